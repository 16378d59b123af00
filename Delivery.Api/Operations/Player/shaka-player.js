// Shaka Player as a media-player.js engine, so the /player page plays a stream with Shaka (?player=shaka&src=...)
// with the same charts: window.originShaka.MediaPlayer().create().
'use strict';

(() => {
  function createEngine({ video, emit, markReady }) {
    window.shaka.polyfill.installAll();
    const player = new window.shaka.Player();
    player.configure({
      streaming: {
        lowLatencyMode: true,
        // Shaka starts at a segment's first (independent) part, up to a segment behind PART-HOLD-BACK, and without
        // live sync never catches up. Its latency here is counted from PART-HOLD-BACK, so 0 means at the hold-back;
        // 1.5× like hls-player.js.
        liveSync: { enabled: true, targetLatency: 0, targetLatencyTolerance: 0.25, maxPlaybackRate: 1.5, minPlaybackRate: 0.95 },
      },
    });
    return {
      load(src, autoplay) {
        player.addEventListener('error', (event) => {
          // Only critical errors stop playback; Shaka retries the recoverable ones by itself.
          const error = event.detail;
          if (error?.severity === window.shaka.util.Error.Severity.CRITICAL) {
            emit('error', { error: { code: error.code, message: `${error.category}/${error.code} ${JSON.stringify(error.data ?? [])}` } });
          }
        });
        player.attach(video)
          .then(() => player.load(src))
          .then(() => {
            markReady();
            if (autoplay) {
              video.play().catch(() => {});
            }
          })
          .catch((error) => emit('error', { error: { code: error?.code ?? null, message: `load failed: ${error?.message ?? error?.code ?? error}` } }));
      },
      // Wall-clock latency: now minus the EXT-X-PROGRAM-DATE-TIME (or the MPD's clock) of the frame on screen.
      latency() {
        const date = player.getPlayheadTimeAsDate();
        return date ? (Date.now() - date.getTime()) / 1000 : NaN;
      },
      representation() {
        const track = player.getVariantTracks().find((t) => t.active);
        return track ? { bandwidth: track.bandwidth, width: track.width, height: track.height } : null;
      },
      destroy: () => player.destroy(),
    };
  }

  window.originShaka = { MediaPlayer: window.originMediaPlayer(createEngine) };
})();
