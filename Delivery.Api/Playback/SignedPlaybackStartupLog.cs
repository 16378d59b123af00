using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Playback;

/// <summary>Says at startup that viewers need tokens, so a 403 storm after a deploy has an obvious cause.</summary>
internal sealed class SignedPlaybackStartupLog(IOptions<SignedPlaybackOptions> options, ILogger<PlaybackAuthorization> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Enabled)
        {
            PlaybackLog.Enabled(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
