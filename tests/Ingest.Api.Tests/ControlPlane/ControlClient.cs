using CmafOrigin.Contracts.V1;
using CmafOrigin.TestSupport;
using Grpc.Core;
using Grpc.Net.Client;

namespace CmafOrigin.Ingest.Tests.Control;

/// <summary>A real gRPC channel (Grpc.Net.Client, HTTP/2 cleartext) to an origin's control plane.</summary>
internal sealed class ControlClient : IDisposable
{
    private ControlClient(GrpcChannel channel, string? token)
    {
        Channel = channel;
        Catalog = new ChannelCatalog.ChannelCatalogClient(channel);
        Admin = new OriginAdmin.OriginAdminClient(channel);
        Token = token;
    }

    public GrpcChannel Channel { get; }

    public ChannelCatalog.ChannelCatalogClient Catalog { get; }

    public OriginAdmin.OriginAdminClient Admin { get; }

    public string? Token { get; }

    public static ControlClient For(OriginHost origin) => For(origin.ControlUri, origin.AdminToken);

    public static ControlClient For(Uri address, string? token) => new(GrpcChannel.ForAddress(address), token);

    /// <summary>Call options carrying this client's token, bounded in time.</summary>
    public CallOptions Call(CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var headers = Token is null ? null : new Metadata { { "authorization", $"Bearer {Token}" } };
        return new CallOptions(headers, DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15)), cancellationToken);
    }

    public void Dispose() => Channel.Dispose();
}
