using CmafOrigin.Ingest.Auth;
using CmafOrigin.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Ingest.Tests.Auth;

/// <summary>Secure by default: no credentials outside Development is a refusal to start, and incomplete credentials are named.</summary>
public sealed class IngestAuthOptionsValidatorTests(RedisServer redis)
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Testing")]
    public void Validate_NoCredentialsOutsideDevelopment_Fails(string environment)
    {
        var result = Validator(environment).Validate(null, new IngestAuthOptions());

        Assert.True(result.Failed);
        Assert.Equal(IngestAuthOptionsValidator.NoCredentialsMessage, result.FailureMessage);
    }

    [Fact]
    public void Validate_NoCredentialsInDevelopment_Succeeds()
    {
        Assert.True(Validator("Development").Validate(null, new IngestAuthOptions()).Succeeded);
    }

    [Fact]
    public void Validate_NoCredentialsButAnonymousAllowed_Succeeds()
    {
        Assert.True(Validator("Production").Validate(null, new IngestAuthOptions { AllowAnonymous = true }).Succeeded);
    }

    [Theory]
    [InlineData(null, "u", "p", null, "Prefix: the prefix is empty")]
    [InlineData("live/../x", "u", "p", null, "not a valid path prefix")]
    [InlineData("live/a", "u", null, null, "needs both Username and Password")]
    [InlineData("live/a", null, "p", null, "needs both Username and Password")]
    [InlineData("live/a", "u:v", "p", null, "does not allow ':'")]
    [InlineData("live/a", null, null, null, "give Username and Password, or Token")]
    public void Validate_IncompleteCredential_FailsNamingIt(string? prefix, string? user, string? password, string? token, string expected)
    {
        var options = new IngestAuthOptions { Credentials = [new() { Prefix = prefix, Username = user, Password = password, Token = token }] };

        var result = Validator("Production").Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Ingest:Auth:Credentials:0", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    /// <summary>The real host, in Production with no credentials: it does not start, and says why.</summary>
    [Fact]
    public void Ingest_InProductionWithoutCredentials_RefusesToStart()
    {
        using var factory = ProductionIngest([]);

        var error = Assert.Throws<OptionsValidationException>(factory.StartServer);

        Assert.Contains(IngestAuthOptionsValidator.NoCredentialsMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ingest_InProductionWithCredentials_Starts()
    {
        using var factory = ProductionIngest(new()
        {
            ["Ingest:Auth:Credentials:0:Prefix"] = "/",
            ["Ingest:Auth:Credentials:0:Token"] = "a-token-for-everything",
        });

        factory.StartServer();
    }

    /// <summary>The real host in Production, on Kestrel, with <paramref name="settings"/> on top of what it needs to start.</summary>
    private WebApplicationFactory<Program> ProductionIngest(Dictionary<string, string> settings)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ConnectionStrings:redis", redis.ConnectionString);
            builder.UseSetting("Logging:LogLevel:Default", "None");
            // The control plane has a secure default of its own: satisfy it, so only ingest credentials decide.
            builder.UseSetting("Control:AdminToken", "an-admin-token");
            builder.UseSetting("urls", "http://127.0.0.1:0");
            builder.UseSetting("Control:Url", "http://127.0.0.1:0");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
        factory.UseKestrel();
        return factory;
    }

    private static IngestAuthOptionsValidator Validator(string environment) => new(new Environment(environment));

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "Ingest.Api";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
