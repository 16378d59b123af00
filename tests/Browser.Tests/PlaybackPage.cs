using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CmafOrigin.TestSupport;
using Microsoft.Playwright;

namespace CmafOrigin.Browser.Tests;

/// <summary>
/// A browser page playing a stream with dash.js that shows its state as
/// <c>window.originPlayer = { player, video, stats: { startedAt, stalls, errors } }</c> (the origin's /player
/// and <see cref="ThirdPartySite"/>'s page both do): records the media requests that failed and samples the
/// player every second.
/// </summary>
internal sealed class PlaybackPage : IAsyncDisposable
{
    private const string SampleScript = """
        () => {
          const { player, video, stats } = window.originPlayer;
          const representation = player.getCurrentRepresentationForType('video');
          const finite = (value) => (Number.isFinite(value) ? value : null);
          return JSON.stringify({
            currentTime: video.currentTime,
            latency: finite(player.getCurrentLiveLatency()),
            buffer: finite(player.getBufferLength('video')),
            rate: video.playbackRate,
            bitrate: finite(representation?.bandwidth),
            height: finite(representation?.height),
            stalls: stats.stalls,
            errors: stats.errors.length,
          });
        }
        """;

    private static readonly TimeSpan EvaluateTimeout = TimeSpan.FromSeconds(10);

    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _mediaFailures = new();
    private readonly ConcurrentQueue<string> _consoleErrors = new();
    private readonly ConcurrentQueue<(Uri Url, int Status)> _responses = new();

    private PlaybackPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Response += (_, response) =>
        {
            _responses.Enqueue((new Uri(response.Url), response.Status));
            if (IsMedia(response.Url) && response.Status >= 400)
            {
                _mediaFailures.Enqueue($"{response.Status.ToString(CultureInfo.InvariantCulture)} {response.Request.Method} {response.Url}");
            }
        };
        page.RequestFailed += (_, request) =>
        {
            // Aborted on purpose by the player (a quality switch, an abandoned segment), not a failure of the origin.
            if (IsMedia(request.Url) && request.Failure != "net::ERR_ABORTED")
            {
                _mediaFailures.Enqueue($"failed ({request.Failure}) {request.Method} {request.Url}");
            }
        };
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _consoleErrors.Enqueue(message.Text);
            }
        };
        page.PageError += (_, error) => _consoleErrors.Enqueue($"uncaught: {error}");
    }

    public IPage Page { get; }

    /// <summary>Every response the page received so far: URL and status.</summary>
    public IReadOnlyList<(Uri Url, int Status)> Responses => [.. _responses];

    /// <summary>Opens <paramref name="url"/> in a new browser context and waits for its load event.</summary>
    public static async Task<PlaybackPage> OpenAsync(Chromium chromium, Uri url)
    {
        var context = await chromium.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync().WaitAsync(EvaluateTimeout);
            var playback = new PlaybackPage(context, page);
            await page.GotoAsync(url.AbsoluteUri);
            return playback;
        }
        catch
        {
            await context.CloseAsync();
            throw;
        }
    }

    /// <summary>Waits until the video has started playing (the page's <c>stats.startedAt</c>).</summary>
    public async Task WaitForPlaybackAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Page.WaitForFunctionAsync(
                "() => window.originPlayer?.stats?.startedAt != null",
                null,
                new PageWaitForFunctionOptions { Timeout = (float)timeout.TotalMilliseconds, PollingInterval = 100 })
                .WaitAsync(timeout + TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"the page did not start playing within {timeout.TotalSeconds} s.\n{await DescribeAsync()}", ex);
        }
    }

    /// <summary>
    /// Samples the player once a second for <paramref name="duration"/> (the first sample at once).
    /// <paramref name="onSample"/>, if given, runs after each sample with its index: a test's hook to act mid-play.
    /// </summary>
    public async Task<PlaybackReport> RecordAsync(TimeSpan duration, CancellationToken cancellationToken, Func<int, Task>? onSample = null)
    {
        var samples = new List<PlaybackSample>();
        var clock = Stopwatch.StartNew();
        for (var next = TimeSpan.Zero; next <= duration; next += TimeSpan.FromSeconds(1))
        {
            if (next > clock.Elapsed)
            {
                await Task.Delay(next - clock.Elapsed, cancellationToken);
            }

            var at = clock.Elapsed;
            var json = await EvaluateAsync(SampleScript, cancellationToken);
            samples.Add(JsonSerializer.Deserialize<PlaybackSample>(json, JsonSerializerOptions.Web)! with { At = at });
            if (onSample is not null)
            {
                await onSample(samples.Count - 1).WaitAsync(EvaluateTimeout, cancellationToken);
            }
        }

        var errors = await EvaluateAsync(
            "() => JSON.stringify(window.originPlayer.stats.errors.map((e) => `${e.code ?? ''} ${e.message ?? ''}`.trim()))",
            cancellationToken);
        return new PlaybackReport(samples, JsonSerializer.Deserialize<string[]>(errors)!, [.. _mediaFailures], [.. _consoleErrors]);
    }

    /// <summary>Runs <paramref name="script"/> (a function returning a string) in the page, with a timeout.</summary>
    public Task<string> EvaluateAsync(string script, CancellationToken cancellationToken) =>
        Page.EvaluateAsync<string>(script).WaitAsync(EvaluateTimeout, cancellationToken);

    /// <summary>Saves a screenshot as <c>artifacts/browser/<paramref name="name"/>.png</c> in the test output and attaches it to the test.</summary>
    public async Task<string> SaveScreenshotAsync(string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "artifacts", "browser");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".png");
        var png = await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Timeout = 15_000 });
        TestContext.Current.AddAttachment(name + ".png", png, "image/png");
        return path;
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync().WaitAsync(EvaluateTimeout);

    /// <summary>What the page shows and logged, for a failure message.</summary>
    private async Task<string> DescribeAsync()
    {
        string state;
        try
        {
            state = await EvaluateAsync(
                "() => JSON.stringify({ url: location.href, status: document.querySelector('#status')?.textContent, stats: window.originPlayer?.stats ?? null })",
                CancellationToken.None);
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            state = $"(page state unavailable: {ex.Message})";
        }

        return $"{state}\nfailed media requests:\n{string.Join('\n', _mediaFailures)}\nconsole errors:\n{string.Join('\n', _consoleErrors)}";
    }

    private static bool IsMedia(string url)
    {
        var path = new Uri(url).AbsolutePath;
        return path.EndsWith(".m4s", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".mpd", StringComparison.OrdinalIgnoreCase);
    }
}
