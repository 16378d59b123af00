using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CmafOrigin.ServiceDefaults.Http;

public static class KestrelLimitsExtensions
{
    public const string SectionName = "Kestrel:Limits";

    /// <summary>
    /// Binds <c>Kestrel:Limits</c> (request line and header sizes, header count, header and keep-alive timeouts,
    /// data rates) onto Kestrel: the web host does not bind that section by itself.
    /// </summary>
    /// <remarks>
    /// A data rate (<c>MinRequestBodyDataRate</c>, <c>MinResponseDataRate</c>) is immutable, so it is built from its
    /// <c>BytesPerSecond</c> and <c>GracePeriod</c>; <c>BytesPerSecond: 0</c> switches the minimum off.
    /// </remarks>
    public static TBuilder AddKestrelLimits<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var section = builder.Configuration.GetSection(SectionName);
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            section.Bind(kestrel.Limits);
            if (DataRate(section.GetSection(nameof(KestrelServerLimits.MinRequestBodyDataRate)), out var requestBody))
            {
                kestrel.Limits.MinRequestBodyDataRate = requestBody;
            }

            if (DataRate(section.GetSection(nameof(KestrelServerLimits.MinResponseDataRate)), out var response))
            {
                kestrel.Limits.MinResponseDataRate = response;
            }
        });
        return builder;
    }

    private static bool DataRate(IConfigurationSection section, out MinDataRate? rate)
    {
        rate = null;
        var bytesPerSecond = section[nameof(MinDataRate.BytesPerSecond)];
        if (bytesPerSecond is null)
        {
            return false;
        }

        var perSecond = double.Parse(bytesPerSecond, CultureInfo.InvariantCulture);
        if (perSecond > 0)
        {
            var grace = section.GetValue(nameof(MinDataRate.GracePeriod), TimeSpan.FromSeconds(5));
            rate = new MinDataRate(perSecond, grace);
        }

        return true;
    }
}
