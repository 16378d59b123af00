using System.Net;

namespace CmafOrigin.AppHost.Tests;

/// <summary>Finds a recent complete segment of a live push: ffmpeg's window deletes old ones, so a test takes a recent one.</summary>
internal static class LiveSegments
{
    /// <summary>
    /// The newest segment that is complete (served with a Content-Length), once there is one numbered at least
    /// <paramref name="atLeast"/>. <paramref name="encoding"/> is the time since the encoder started: 2 s a segment.
    /// </summary>
    public static async Task<long> LatestCompleteAsync(
        HttpClient delivery, Func<long, string> segmentPath, Func<TimeSpan> encoding, long atLeast, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Started by now, so never held waiting for its upload: 2 s per segment, after ffmpeg's start-up.
            var started = (long)(encoding().TotalSeconds / 2) - 1;
            for (var number = started; number >= Math.Max(atLeast, started - 4); number--)
            {
                using var head = new HttpRequestMessage(HttpMethod.Head, new Uri(segmentPath(number), UriKind.Relative));
                using var response = await delivery.SendAsync(head, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK && response.Content.Headers.ContentLength > 0)
                {
                    return number;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }
}
