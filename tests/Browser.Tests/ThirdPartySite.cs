using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CmafOrigin.Browser.Tests;

/// <summary>
/// A customer's web site on an origin of its own (127.0.0.1 on another port than Delivery): a minimal page
/// that plays <c>?src=</c> with its own copy of dash.js and the low-latency settings the README gives, so
/// every request its player makes to Delivery is cross-origin (CORS, and the Date header read for clock sync).
/// </summary>
internal sealed class ThirdPartySite : IAsyncDisposable
{
    private const string Page = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>A third-party page</title>
          <link rel="icon" href="data:,">
        </head>
        <body style="margin: 0; background: #000">
          <video id="video" muted autoplay playsinline controls style="display: block; width: 100%"></video>
          <script src="/dash.all.min.js"></script>
          <script>
            'use strict';
            const video = document.getElementById('video');
            const stats = { startedAt: null, stalls: 0, errors: [] };
            const player = dashjs.MediaPlayer().create();
            const events = dashjs.MediaPlayer.events;
            player.updateSettings({
              streaming: {
                delay: { liveDelay: 1.5 },
                liveCatchup: { enabled: true, mode: 'liveCatchupModeDefault', playbackRate: { min: -0.5, max: 0.5 } },
                utcSynchronization: { enabled: true },
              },
            });
            player.on(events.PLAYBACK_PLAYING, () => { stats.startedAt ??= Date.now(); });
            player.on(events.PLAYBACK_WAITING, () => { if (stats.startedAt !== null) stats.stalls++; });
            player.on(events.ERROR, (e) => { stats.errors.push({ code: e.error?.code ?? null, message: e.error?.message ?? String(e.error) }); });
            player.initialize(video, new URLSearchParams(location.search).get('src'), true);
            window.originPlayer = { player, video, stats };
          </script>
        </body>
        </html>
        """;

    private readonly WebApplication _app;

    private ThirdPartySite(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The page playing <paramref name="manifest"/>.</summary>
    public Uri PageFor(Uri manifest) => new(Address, "/?src=" + Uri.EscapeDataString(manifest.AbsoluteUri));

    public static async Task<ThirdPartySite> StartAsync(CancellationToken cancellationToken)
    {
        // The site's own copy of dash.js: the one Delivery.Api embedded from npm at build time.
        var dashJs = DashJs();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/", () => TypedResults.Text(Page, "text/html; charset=utf-8"));
        app.MapGet("/dash.all.min.js", () => TypedResults.Bytes(dashJs, "text/javascript; charset=utf-8"));
        await app.StartAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
        return new ThirdPartySite(app, new Uri(app.Urls.First()));
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private static byte[] DashJs()
    {
        using var stream = typeof(Delivery.Program).Assembly.GetManifestResourceStream("player/dash.all.min.js")
            ?? throw new InvalidOperationException("Delivery.Api does not embed player/dash.all.min.js");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
