namespace CmafOrigin.Contracts.Playback;

/// <summary>What checking a playback token against a request found.</summary>
public enum PlaybackVerdict
{
    Valid,
    Missing,
    Malformed,
    BadSignature,
    Expired,
    OutsidePrefix,
}
