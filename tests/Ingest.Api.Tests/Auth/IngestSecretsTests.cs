using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using CmafOrigin.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CmafOrigin.Ingest.Tests.Auth;

/// <summary>No secret, nor the Authorization header carrying it, ends up in a log or a trace, whether it was right or wrong.</summary>
public sealed class IngestSecretsTests(RedisServer redis)
{
    private const string Password = "pw-never-logged-2b7c41";
    private const string Token = "tok-never-logged-9e05d3";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UploadsWithRightAndWrongSecrets_LeaveNoSecretInLogsOrTraces()
    {
        var logs = new CapturingLoggerProvider();
        var traced = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => traced.Enqueue(Describe(activity)),
        };
        ActivitySource.AddActivityListener(listener);
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Ingest:Auth:Credentials:0:Prefix"] = "live/",
            ["Ingest:Auth:Credentials:0:Username"] = "encoder",
            ["Ingest:Auth:Credentials:0:Password"] = Password,
            ["Ingest:Auth:Credentials:0:Token"] = Token,
        };
        await using (var origin = await OriginHost.StartAsync(redis, settings, services => services.AddSingleton<ILoggerProvider>(logs)))
        {
            var channel = TestPaths.Channel();
            string[] authorizations =
            [
                Basic("encoder", Password), Basic("encoder", Password + "-wrong"), Basic(Password, Password),
                $"Bearer {Token}", $"Bearer {Token}-wrong", $"Basic {Password}",
            ];
            foreach (var (authorization, i) in authorizations.Select((a, i) => (a, i)))
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, $"/{channel}/chunk-stream0-{i:D5}.m4s") { Content = new ByteArrayContent([1, 2]) };
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
                (await origin.Ingest.SendAsync(request, Cancellation)).Dispose();
            }

            using var outside = new HttpRequestMessage(HttpMethod.Delete, "/other/out.mpd");
            outside.Headers.Authorization = AuthenticationHeaderValue.Parse(Basic("encoder", Password));
            (await origin.Ingest.SendAsync(outside, Cancellation)).Dispose();
        }

        var everything = string.Join('\n', logs.Messages) + string.Join('\n', traced);
        Assert.Contains("refused with 403", everything, StringComparison.Ordinal);
        Assert.Contains("challenged with 401", everything, StringComparison.Ordinal);
        foreach (var secret in new[] { Password, Token, Convert.ToBase64String(Encoding.UTF8.GetBytes("encoder:" + Password)) })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static string Describe(Activity activity) =>
        $"{activity.DisplayName} {string.Join(' ', activity.TagObjects.Select(tag => $"{tag.Key}={tag.Value}"))} "
        + string.Join(' ', activity.Events.SelectMany(e => e.Tags.Select(tag => $"{e.Name}:{tag.Key}={tag.Value}")));

    /// <summary>Every message logged at any level, with the values of its structured state.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                provider.Messages.Enqueue($"{category} scope {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                    ? string.Join(' ', pairs.Select(pair => $"{pair.Key}={pair.Value}"))
                    : string.Empty;
                provider.Messages.Enqueue($"{category} {formatter(state, exception)} {values} {exception}");
            }
        }
    }
}
