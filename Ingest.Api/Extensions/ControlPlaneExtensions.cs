using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Ingest.Control;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Ingest.Extensions;

/// <summary>The gRPC control plane of Ingest: its own cleartext HTTP/2 endpoint next to the ingest endpoint.</summary>
internal static class ControlPlaneExtensions
{
    public static IHostApplicationBuilder AddControlPlane(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ControlOptions>().BindConfiguration(ControlOptions.SectionName)
            .Validate<IHostEnvironment>(
                (options, environment) => !string.IsNullOrEmpty(options.AdminToken) || options.AllowAnonymous || environment.IsDevelopment(),
                "Control:AdminToken is not set: set it (the Bearer token of the gRPC control plane), or set Control:AllowAnonymous=true to run without one")
            .Validate(options => Uri.TryCreate(options.Url, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttp,
                "Control:Url must be an http:// URL (the control plane is cleartext HTTP/2)")
            .ValidateOnStart();

        builder.Services.AddSingleton(sp => new ChannelCatalogReader(
            sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(),
            sp.GetRequiredService<ObjectKeys>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<CatalogOptions>>().Value));
        builder.Services.AddSingleton<DeliveryReportReader>();
        builder.Services.AddSingleton<ChannelPurge>();
        builder.Services.AddOptions<ArchiveStorageOptions>().BindConfiguration(ArchiveStorageOptions.SectionName);
        builder.Services.AddSingleton<ArchiveRuns>();
        builder.Services.AddSingleton<AdminTokenInterceptor>();

        builder.Services.AddGrpc();
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddGrpcReflection();
        // The admin credential guards the origin's own services only; health and reflection stay open.
        builder.Services.AddGrpc().AddServiceOptions<ChannelCatalogService>(o => o.Interceptors.Add<AdminTokenInterceptor>());
        builder.Services.AddGrpc().AddServiceOptions<OriginAdminService>(o => o.Interceptors.Add<AdminTokenInterceptor>());

        // Both endpoints from configuration, read when Kestrel starts: Urls (ingest, HTTP/1.1) and Control:Url (h2c).
        // The default is here, not in appsettings.json: its "Urls" would override the ASPNETCORE_URLS that Aspire gives.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IConfiguration, IOptions<ControlOptions>>((kestrel, configuration, control) =>
        {
            var urls = configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : "http://localhost:5000";
            foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                ListenAddress.Listen(kestrel, url, _ => { });
            }

            ListenAddress.Listen(kestrel, control.Value.Url, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.Use(next => connection =>
                {
                    connection.Features.Set(ControlPlaneConnection.Instance);
                    return next(connection);
                });
            });
        });
        // The Urls are bound above; left in the server's addresses, Kestrel would warn at every start that
        // explicit endpoints override them.
        builder.Services.AddTransient<IStartupFilter, ClearConfiguredUrls>();
        return builder;
    }

    private sealed class ClearConfiguredUrls : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.ServerFeatures.Get<IServerAddressesFeature>()?.Addresses.Clear();
            next(app);
        };
    }
}
