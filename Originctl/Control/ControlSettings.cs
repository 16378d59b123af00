namespace CmafOrigin.Originctl.Control;

/// <summary>Where the control plane is and the admin token to present, from the command line or the environment.</summary>
internal sealed record ControlSettings(Uri Control, string? Token)
{
    public const string ControlVariable = "ORIGINCTL_CONTROL";
    public const string TokenVariable = "ORIGINCTL_TOKEN";
    public const string DefaultControl = "http://localhost:5002";

    /// <summary>How long a single call may take before the origin counts as unreachable.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
