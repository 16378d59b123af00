using CmafOrigin.Contracts.Playback;
using CmafOrigin.Delivery.Playback;

namespace CmafOrigin.Delivery.Extensions;

internal static class PlaybackExtensions
{
    /// <summary>Signed playback URLs (<c>Delivery:SignedPlayback</c>): off unless a key is configured.</summary>
    public static IHostApplicationBuilder AddSignedPlayback(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SignedPlaybackOptions>()
            .BindConfiguration(SignedPlaybackOptions.SectionName)
            .Validate(
                options => !options.Enabled || options.Key!.Length >= PlaybackSigner.MinimumKeyLength,
                $"Delivery:SignedPlayback:Key must be at least {PlaybackSigner.MinimumKeyLength} characters (e.g. the output of 'openssl rand -base64 32')")
            .ValidateOnStart();
        builder.Services.AddSingleton<PlaybackAuthorization>();
        builder.Services.AddHostedService<SignedPlaybackStartupLog>();
        return builder;
    }
}
