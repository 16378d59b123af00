using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Browser.Tests;

internal static class Publishing
{
    /// <summary>
    /// Waits until the encoder of <paramref name="channel"/> has stored its manifest, first init segment and
    /// first media segment on <paramref name="origin"/>: a player opened then finds a live edge to play.
    /// </summary>
    public static async Task WaitForFirstSegmentAsync(
        OriginHost origin, string channel, FfmpegProcess encoder, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (!(await origin.CurrentMetaAsync($"/{channel}/out.mpd") is { State: ObjectState.Complete }
                && await origin.CurrentMetaAsync($"/{channel}/init-stream0.m4s") is { State: ObjectState.Complete }
                && await origin.CurrentMetaAsync($"/{channel}/chunk-stream0-00001.m4s") is { State: ObjectState.Complete }))
            {
                if (encoder.HasExited)
                {
                    throw new InvalidOperationException($"the encoder exited before publishing.\n{encoder.Describe()}");
                }

                await Task.Delay(50, deadline.Token);
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the encoder did not publish a first segment within {timeout.TotalSeconds} s.\n{encoder.Describe()}", ex);
        }
    }
}
