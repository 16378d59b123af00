namespace CmafOrigin.AppHost.Redis;

/// <summary>
/// <c>redis-server</c> from the machine as an Aspire resource, in the role of Aspire's container-based Redis
/// (no container runtime here). Its connection string is <c>host:port</c>, what Aspire's Redis hands out, so
/// <c>WithReference(redis)</c> gives a service <c>ConnectionStrings__redis</c> exactly as Aspire.Hosting.Redis would.
/// </summary>
internal sealed class RedisServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    private EndpointReference? endpoint;

    public EndpointReference Endpoint => endpoint ??= new EndpointReference(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}");
}
