using CmafOrigin.AppHost;
using CmafOrigin.AppHost.Archive;
using CmafOrigin.AppHost.Encoder;
using CmafOrigin.AppHost.Redis;
using Microsoft.Extensions.DependencyInjection;

// The picture of the system: Redis (one server, or a cluster with --redis-cluster) between Ingest (encoders push) and
// Delivery (players pull), each as many instances as asked behind one port, the archive writer saving every live run
// to disk, and with --demo an encoder.
if (!AppHostOptions.TryParse(args, out var options, out var error))
{
    await Console.Error.WriteLineAsync($"{error}{Environment.NewLine}{Environment.NewLine}{AppHostOptions.Usage}");
    return 2;
}

if (options.Help)
{
    Console.WriteLine(AppHostOptions.Usage);
    return 0;
}

try
{
    // Our options are not Aspire's configuration: none of them reach its command-line provider.
    var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = [] });
    var origin = OriginAddresses.From(options);
    var credential = IngestCredential.From(options);
    var controlToken = AdminToken.FromEnvironmentOrNew();

    var redis = builder.AddOriginRedis("redis", options.Redis);

    var ingestUser = builder.AddParameter("ingest-user", credential.Username);
    var ingestPassword = builder.AddParameter("ingest-password", credential.Password, secret: true);
    var adminToken = builder.AddParameter("control-admin-token", controlToken, secret: true);

    var ingest = builder.AddProject<Projects.Ingest_Api>("ingest", launchProfileName: null)
        .WithHttpEndpoint(port: options.IngestPort)
        .WithReplicas(options.IngestReplicas)
        .WithControlPlane(options.ControlPort, adminToken)
        .WithPublishCredential(ingestUser, ingestPassword)
        .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
        .WithReference(redis).WaitFor(redis)
        .WithHttpHealthCheck("/health");

    var delivery = builder.AddProject<Projects.Delivery_Api>("delivery", launchProfileName: null)
        .WithHttpEndpoint(port: options.DeliveryPort)
        .WithReplicas(options.DeliveryReplicas)
        .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
        .WithReference(redis).WaitFor(redis)
        .WithHttpHealthCheck("/health");

    if (options.Archive)
    {
        ingest.WithArchiveSource(options.ArchiveDirectory);
        delivery.WithArchive(options.ArchiveDirectory, options.DvrWindow);
        builder.AddArchiveWriter("archive", options.ArchiveDirectory)
            .WithReference(redis).WaitFor(redis);
    }

    if (options.Demo)
    {
        builder.AddDemoEncoder("demo-encoder", origin, credential)
            .WaitFor(ingest)
            .WaitFor(delivery);
    }

    builder.Services.AddHostedService(services => new StartupBanner(services, redis.Resource, origin, credential, controlToken, options));

    await builder.Build().RunAsync();
    return 0;
}
catch (AppHostException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 1;
}
