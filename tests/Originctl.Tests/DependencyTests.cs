namespace CmafOrigin.Originctl.Tests;

/// <summary>originctl talks to the origin over gRPC only: it carries the gRPC contract, not the services' code or a Redis client.</summary>
public sealed class DependencyTests
{
    [Fact]
    public void Originctl_ReferencesNeitherARedisClient_NorTheServicesContracts()
    {
        var references = typeof(OriginctlCli).Assembly.GetReferencedAssemblies().Select(name => name.Name).ToList();

        Assert.DoesNotContain("StackExchange.Redis", references);
        Assert.DoesNotContain("Shared.Protos", references);
        Assert.Contains("Google.Protobuf", references);
    }
}
