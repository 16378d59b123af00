using CmafOrigin.Contracts.Storage;
using CmafOrigin.Delivery.Feeds;
using CmafOrigin.Delivery.Http;
using CmafOrigin.Delivery.Manifests;
using CmafOrigin.Delivery.Storage;
using CmafOrigin.Delivery.Telemetry;
using CmafOrigin.Delivery.Viewers;
using CmafOrigin.ServiceDefaults;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Extensions;

internal static class DeliveryServiceExtensions
{
    /// <summary>Where Delivery listens unless told (<c>ASPNETCORE_URLS</c>, <c>--urls</c>, <c>Urls</c>).</summary>
    public const string DefaultUrl = "http://localhost:5001";

    public static IHostApplicationBuilder AddDeliveryServices(this IHostApplicationBuilder builder)
    {
        // A default, not appsettings.json: its "Urls" would override the ASPNETCORE_URLS that Aspire gives each replica.
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.Configuration[WebHostDefaults.ServerUrlsKey] = DefaultUrl;
        }

        builder.AddRedisClient("redis");

        builder.Services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName);
        builder.Services.AddOptions<SocketTransportOptions>()
            .Configure<IOptions<DeliveryOptions>>((socket, delivery) => socket.UnsafePreferInlineScheduling = delivery.Value.InlineScheduling);
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName);
        builder.Services.AddProblemDetails();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new ObjectKeys(sp.GetRequiredService<IOptions<StorageOptions>>().Value.KeyPrefix));
        builder.Services.AddSingleton<RedisReads>();
        builder.Services.AddSingleton<ObjectReader>();
        builder.Services.AddSingleton<CompletedObjectCache>();
        builder.Services.AddSingleton<MpdRewriter>();
        builder.Services.AddSingleton<CachePolicy>();
        builder.Services.AddSingleton<UploadStartSignals>();
        builder.Services.AddSingleton<LiveFeedHub>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveFeedHub>());
        builder.Services.AddSingleton<DeliveryMetrics>();
        builder.Services.AddSingleton<ViewerSlots>();
        builder.Services.AddSingleton<CompletedObjectSender>();
        builder.Services.AddSingleton<LiveObjectFollower>();
        builder.Services.AddSingleton<ObjectResponder>();
        builder.AddDeliveryReports();
        builder.AddStatusPage();
        // Graceful shutdown: Kestrel lets responses in flight finish up to Delivery:ShutdownTimeout, then resets them.
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<DeliveryOptions>>((host, delivery) => host.ShutdownTimeout = delivery.Value.ShutdownTimeout);
        builder.Services.AddHealthChecks().AddCheck<EventSubscriptionHealthCheck>("events", tags: ["ready"]);
        return builder;
    }
}
