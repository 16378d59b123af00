namespace CmafOrigin.Ingest.Channels;

/// <summary>What a channel's new manifest says about the run that publishes it.</summary>
internal enum EncoderSwitch
{
    /// <summary>A static manifest, or one without a start time: nothing to compare.</summary>
    NotComparable,

    /// <summary>The same run as the manifest before (or the first one seen).</summary>
    SameRun,

    /// <summary>A new run after the channel was quiet: an encoder (re)started.</summary>
    NewRun,

    /// <summary>A new run while another was publishing moments ago: two encoders on one channel, or a restart within seconds.</summary>
    WhileLive,
}
