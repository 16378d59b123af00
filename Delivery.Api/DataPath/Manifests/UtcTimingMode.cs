namespace CmafOrigin.Delivery.Manifests;

/// <summary>What Delivery does to a manifest's UTCTiming elements.</summary>
public enum UtcTimingMode
{
    /// <summary>Serve the manifest exactly as uploaded.</summary>
    Keep,

    /// <summary>Add a UTCTiming pointing at this origin's /time only when the manifest has none.</summary>
    Add,

    /// <summary>Point every UTCTiming at this origin's /time, and add one where there is none (default).</summary>
    Replace,
}
