using System.Diagnostics;
using System.Net;

namespace CmafOrigin.EndToEnd.Tests;

/// <summary>
/// A player following one track's segments at the live edge, as a low-latency DASH player does: it GETs segment N
/// (streamed to it while it uploads) and asks for N + 1 the moment N ends. A response that fails (a reset, a 5xx) is
/// asked again after a short pause; a 404 (Delivery held the request and nothing came) moves on to the next number, or
/// to the live edge when the player is told where it is (as a DASH player computes it from the manifest and the clock).
/// Every fetch is recorded on the test's clock.
/// </summary>
internal sealed class LiveSegmentPlayer : IAsyncDisposable
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);

    private readonly HttpClient _client;
    private readonly Func<long, string> _pathOf;
    private readonly Stopwatch _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<SegmentFetch> _fetches = [];
    private readonly Lock _gate = new();
    private Task _playing = Task.CompletedTask;

    private readonly Func<long>? _liveEdge;

    private LiveSegmentPlayer(HttpClient client, Func<long, string> pathOf, Stopwatch clock, Func<long>? liveEdge)
    {
        _client = client;
        _pathOf = pathOf;
        _clock = clock;
        _liveEdge = liveEdge;
    }

    /// <summary>Every fetch so far, in order.</summary>
    public IReadOnlyList<SegmentFetch> Fetches
    {
        get
        {
            lock (_gate)
            {
                return [.. _fetches];
            }
        }
    }

    /// <summary>The fetches that ended with the whole segment (200, body ended cleanly).</summary>
    public IReadOnlyList<SegmentFetch> Completed => [.. Fetches.Where(fetch => fetch.IsComplete)];

    /// <summary>Starts following from segment <paramref name="first"/>; times are read from <paramref name="clock"/>.</summary>
    public static LiveSegmentPlayer Start(HttpClient client, Func<long, string> pathOf, long first, Stopwatch clock, Func<long>? liveEdge = null)
    {
        var player = new LiveSegmentPlayer(client, pathOf, clock, liveEdge);
        player._playing = Task.Run(() => player.PlayAsync(first));
        return player;
    }

    /// <summary>Waits until a fetch satisfies <paramref name="condition"/>; returns it.</summary>
    public async Task<SegmentFetch> WaitForAsync(Func<SegmentFetch, bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (Fetches.FirstOrDefault(condition) is { } fetch)
            {
                return fetch;
            }

            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"no such fetch within {timeout.TotalSeconds:0} s; fetches:\n{Describe()}");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>One line per fetch, for failure messages.</summary>
    public string Describe() => string.Join('\n', Fetches.Select(fetch => fetch.ToString()));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _playing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task PlayAsync(long number)
    {
        while (!_stop.IsCancellationRequested)
        {
            var fetch = await FetchAsync(number);
            lock (_gate)
            {
                _fetches.Add(fetch);
            }

            if (fetch.IsComplete)
            {
                number++;
            }
            else if (fetch.Status == (int)HttpStatusCode.NotFound)
            {
                number = Math.Max(number + 1, _liveEdge?.Invoke() ?? 0);
            }
            else if (!_stop.IsCancellationRequested)
            {
                await Task.Delay(RetryPause, _stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<SegmentFetch> FetchAsync(long number)
    {
        var asked = _clock.Elapsed;
        TimeSpan? firstByte = null;
        var received = new MemoryStream();
        try
        {
            using var response = await _client.GetAsync(new Uri(_pathOf(number), UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, _stop.Token)
                .WaitAsync(TimeSpan.FromSeconds(15), _stop.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new SegmentFetch(number, (int)response.StatusCode, asked, null, _clock.Elapsed, [], null);
            }

            await using var body = await response.Content.ReadAsStreamAsync(_stop.Token);
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, _stop.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(15), _stop.Token)) > 0)
            {
                firstByte ??= _clock.Elapsed;
                received.Write(buffer, 0, read);
            }

            if (response.Content.Headers.ContentLength is { } length && length != received.Length)
            {
                return new SegmentFetch(number, 200, asked, firstByte, _clock.Elapsed, received.ToArray(), $"Content-Length {length}, body {received.Length}");
            }

            return new SegmentFetch(number, 200, asked, firstByte, _clock.Elapsed, received.ToArray(), null) { IsComplete = true };
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException || (ex is OperationCanceledException && !_stop.IsCancellationRequested))
        {
            // 0: no answer, or the response was reset mid-body: the player knows the segment is incomplete.
            return new SegmentFetch(number, firstByte is null ? 0 : 200, asked, firstByte, _clock.Elapsed, received.ToArray(), ex.GetType().Name + ": " + ex.Message);
        }
        catch (OperationCanceledException)
        {
            return new SegmentFetch(number, 0, asked, firstByte, _clock.Elapsed, received.ToArray(), "stopped");
        }
    }
}

/// <summary>One GET of a <see cref="LiveSegmentPlayer"/>: times on the test's clock; <paramref name="Error"/> when it broke off.</summary>
internal sealed record SegmentFetch(long Number, int Status, TimeSpan Asked, TimeSpan? FirstByte, TimeSpan Ended, byte[] Body, string? Error)
{
    /// <summary>200 and the body ended cleanly (with its Content-Length when it had one): the whole segment, as the player sees it.</summary>
    public bool IsComplete { get; init; }

    public override string ToString() =>
        $"#{Number} {Status} asked {Asked.TotalSeconds:0.000} s, first byte {FirstByte?.TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, " +
        $"ended {Ended.TotalSeconds:0.000} s, {Body.Length} bytes{(IsComplete ? ", complete" : string.Empty)}{(Error is null ? string.Empty : $", {Error}")}";
}
