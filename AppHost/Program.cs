namespace CmafOrigin.AppHost;

/// <summary>
/// Runs the whole origin on one machine, in the role of an Aspire AppHost (Aspire is not installable here):
/// Redis, Ingest.Api and Delivery.Api as child processes wired by Aspire's configuration conventions.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
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

        using var signals = ShutdownSignals.Register();
        // Disposal stops every child, on every way out of this method.
        await using var supervisor = new Supervisor(signals.Token);
        try
        {
            // 1. Redis: the one given, or our own.
            var redis = options.Redis ?? await RedisServer.StartAsync(supervisor, supervisor.Stopping);
            var wiring = Wiring.Create(redis, redisIsOwn: options.Redis is null, options);

            // 2. The services, both at once: each waits for Redis by itself.
            supervisor.Start(ServiceProject.Ingest.Name, ServiceProject.Ingest.CreateStartInfo(wiring.IngestUrl, wiring));
            supervisor.Start(ServiceProject.Delivery.Name, ServiceProject.Delivery.CreateStartInfo(wiring.DeliveryUrl, wiring));

            // 3. Ready when both say so.
            await Task.WhenAll(
                HealthProbe.WaitUntilHealthyAsync(ServiceProject.Ingest.Name, wiring.IngestUrl, HealthProbe.DefaultTimeout, supervisor.Stopping),
                HealthProbe.WaitUntilHealthyAsync(ServiceProject.Delivery.Name, wiring.DeliveryUrl, HealthProbe.DefaultTimeout, supervisor.Stopping));

            // 4. The demo encoder, once there is someone to receive it.
            if (options.Demo)
            {
                supervisor.Start(DemoEncoder.Name, DemoEncoder.CreateStartInfo(wiring));
            }

            PrefixedConsole.WriteBlock(Banner.Render(wiring, options.Demo));

            // 5. Until Ctrl+C, SIGTERM or a child's death.
            return await supervisor.RunUntilStoppedAsync();
        }
        catch (AppHostException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }
        catch (OperationCanceledException) when (supervisor.Stopping.IsCancellationRequested)
        {
            // Stopped while starting up: a signal (exit 0) or a child's death (exit 1).
            return supervisor.ExitCode;
        }
    }
}
