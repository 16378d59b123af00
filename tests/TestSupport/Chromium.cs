using Microsoft.Playwright;

namespace CmafOrigin.TestSupport;

/// <summary>
/// Headless Chromium from the distribution (<c>apt-get install -y chromium</c>), launched through the
/// Playwright driver that ships in the Microsoft.Playwright package: nothing is downloaded. One browser
/// per test assembly with a fresh profile; each test gets a context of its own (cache, cookies, storage).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    /// <summary>Where Debian installs it; <c>CMAFORIGIN_CHROMIUM</c> names another binary.</summary>
    public static string ExecutablePath { get; } = Environment.GetEnvironmentVariable("CMAFORIGIN_CHROMIUM") is { Length: > 0 } path
        ? path
        : "/usr/bin/chromium";

    /// <summary>
    /// Headless on a build machine: no sandbox (root in a container), no GPU, no QUIC, nothing fetched in the
    /// background; autoplay without a click, as for a muted video anyway.
    /// </summary>
    private static readonly string[] Flags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
    ];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium is not started");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"{ExecutablePath} is not there: apt-get install -y chromium (or set CMAFORIGIN_CHROMIUM to a Chromium binary)");
        }

        _playwright = await Playwright.CreateAsync().WaitAsync(StartTimeout);
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Flags,
            Timeout = (float)StartTimeout.TotalMilliseconds,
        });
    }

    /// <summary>
    /// A context of its own (close it when done), pages 1280×800, Playwright's timeouts at 15 s; with
    /// <paramref name="ignoreHttpsErrors"/> it accepts a test's self-signed certificate.
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(bool ignoreHttpsErrors = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            IgnoreHTTPSErrors = ignoreHttpsErrors,
        }).WaitAsync(StartTimeout);
        context.SetDefaultTimeout(15_000);
        return context;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync().WaitAsync(StartTimeout);
        }

        _playwright?.Dispose();
    }
}
