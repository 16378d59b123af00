namespace CmafOrigin.AppHost;

/// <summary>How the AppHost configures Ingest.Api beyond references: its control plane endpoint and its publish credential.</summary>
internal static class IngestExtensions
{
    public const string ControlEndpointName = "control";

    /// <summary>
    /// The gRPC control plane: cleartext HTTP/2 on an endpoint of its own. Its port goes to <c>Control:Url</c>, not into
    /// <c>ASPNETCORE_URLS</c> (Aspire leaves out an endpoint whose port has an environment variable), since Ingest binds it with HTTP/2 only.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithControlPlane(
        this IResourceBuilder<ProjectResource> ingest, int port, IResourceBuilder<ParameterResource> adminToken)
    {
        ingest.WithHttpEndpoint(port: port, name: ControlEndpointName, env: "CONTROL_PORT")
            .WithEndpoint(ControlEndpointName, endpoint => endpoint.Transport = "http2");
        var control = ingest.GetEndpoint(ControlEndpointName);
        return ingest
            .WithEnvironment("Control__Url", ReferenceExpression.Create($"http://localhost:{control.Property(EndpointProperty.TargetPort)}"))
            .WithEnvironment("Control__AdminToken", adminToken);
    }

    /// <summary>One credential granting every path, as Ingest's configuration (<c>Ingest:Auth:Credentials</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithPublishCredential(
        this IResourceBuilder<ProjectResource> ingest, IResourceBuilder<ParameterResource> user, IResourceBuilder<ParameterResource> password) =>
        ingest
            .WithEnvironment("Ingest__Auth__Credentials__0__Prefix", "/")
            .WithEnvironment("Ingest__Auth__Credentials__0__Username", user)
            .WithEnvironment("Ingest__Auth__Credentials__0__Password", password);
}
