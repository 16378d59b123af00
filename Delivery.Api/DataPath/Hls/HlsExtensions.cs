namespace CmafOrigin.Delivery.Hls;

internal static class HlsExtensions
{
    /// <summary>LL-HLS generated from each channel's MPD and CMAF chunks (see <see cref="HlsResponder"/>).</summary>
    public static IHostApplicationBuilder AddLowLatencyHls(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<HlsChannelContext>();
        builder.Services.AddSingleton<HlsChannels>();
        builder.Services.AddSingleton<HlsResponder>();
        return builder;
    }
}
