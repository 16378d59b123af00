using CmafOrigin.Contracts.Playback;

namespace CmafOrigin.Delivery.Playback;

/// <summary>Signed playback URLs (section <c>Delivery:SignedPlayback</c>); off unless a key is set. See docs/security.md.</summary>
public sealed class SignedPlaybackOptions
{
    public const string SectionName = "Delivery:SignedPlayback";

    /// <summary>
    /// The HMAC-SHA256 key tokens are signed with, at least <see cref="PlaybackSigner.MinimumKeyLength"/> characters.
    /// When set, every object GET and HEAD needs a valid token.
    /// </summary>
    public string? Key { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(Key);
}
