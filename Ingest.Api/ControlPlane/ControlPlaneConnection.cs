namespace CmafOrigin.Ingest.Control;

/// <summary>
/// Set on every connection accepted by the control endpoint. Requests are told apart by the endpoint
/// that accepted their connection, not by their Host header, which the client chooses.
/// </summary>
internal sealed class ControlPlaneConnection
{
    public static readonly ControlPlaneConnection Instance = new();

    private ControlPlaneConnection()
    {
    }
}
