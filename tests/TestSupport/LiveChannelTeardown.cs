namespace CmafOrigin.TestSupport;

/// <summary>How every live-channel fixture ends: the encoder first, as a user stops it, then what it pushed to.</summary>
public static class LiveChannelTeardown
{
    /// <summary>
    /// Lets <paramref name="encoder"/> end its stream and DELETE what it published, as in production (it is killed if
    /// that hangs), then disposes <paramref name="then"/> in order. Nulls are skipped: a fixture that failed half-way
    /// ends what it started.
    /// </summary>
    public static async Task EndAsync(FfmpegEncoder? encoder, params IAsyncDisposable?[] then)
    {
        if (encoder is not null)
        {
            await encoder.StopAsync(CancellationToken.None);
            await encoder.DisposeAsync();
        }

        foreach (var disposable in then)
        {
            if (disposable is not null)
            {
                await disposable.DisposeAsync();
            }
        }
    }
}
