namespace CmafOrigin.Ingest.Control;

/// <summary>Endpoint metadata: served only on the control endpoint (and only there).</summary>
internal sealed class ControlPlaneEndpoint
{
    public static readonly ControlPlaneEndpoint Instance = new();

    private ControlPlaneEndpoint()
    {
    }
}
