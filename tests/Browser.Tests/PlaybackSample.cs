namespace CmafOrigin.Browser.Tests;

/// <summary>
/// One look at a playing page's dash.js and video element. Null where dash.js had no value (NaN) yet.
/// </summary>
/// <param name="At">When, counted from the start of the recording.</param>
/// <param name="CurrentTime">The video element's currentTime, s.</param>
/// <param name="Latency"><c>player.getCurrentLiveLatency()</c>, s: how far behind the origin's clock the picture is.</param>
/// <param name="Buffer"><c>player.getBufferLength('video')</c>, s.</param>
/// <param name="Rate">The video element's playbackRate (the catch-up control).</param>
/// <param name="Bitrate">The bandwidth of the video representation playing, bit/s.</param>
/// <param name="Height">Its height, px.</param>
/// <param name="Stalls">PLAYBACK_WAITING events since playback started, so far.</param>
/// <param name="Errors">dash.js ERROR events so far.</param>
internal sealed record PlaybackSample(
    TimeSpan At,
    double CurrentTime,
    double? Latency,
    double? Buffer,
    double Rate,
    double? Bitrate,
    int? Height,
    int Stalls,
    int Errors);
