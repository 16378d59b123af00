using CmafOrigin.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace CmafOrigin.Originctl.Control;

/// <summary>One HTTP/2 channel to the control plane and the two services' clients over it.</summary>
internal sealed class ControlConnection : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly Metadata _headers = [];

    public ControlConnection(ControlSettings settings)
    {
        Settings = settings;
        // Cleartext HTTP/2 (h2c) for http:// addresses, TLS for https://.
        _channel = GrpcChannel.ForAddress(settings.Control);
        if (!string.IsNullOrEmpty(settings.Token))
        {
            // A plain header rather than CallCredentials: those are refused over a cleartext channel.
            _headers.Add("authorization", $"Bearer {settings.Token}");
        }

        Catalog = new ChannelCatalog.ChannelCatalogClient(_channel);
        Admin = new OriginAdmin.OriginAdminClient(_channel);
    }

    public ControlSettings Settings { get; }

    public ChannelCatalog.ChannelCatalogClient Catalog { get; }

    public OriginAdmin.OriginAdminClient Admin { get; }

    /// <summary>Options for a unary call: the token, and a deadline so an endpoint that accepts but never answers is reported.</summary>
    public CallOptions Call(CancellationToken cancellationToken) =>
        new(_headers, DateTime.UtcNow + Settings.CallTimeout, cancellationToken);

    /// <summary>Options for a stream that lasts until the user stops it: the token, no deadline.</summary>
    public CallOptions Stream(CancellationToken cancellationToken) => new(_headers, cancellationToken: cancellationToken);

    public void Dispose() => _channel.Dispose();
}
