// Shaka Player behind the small part of dash.js's MediaPlayer API that player.js uses, so the /player page plays a
// stream with Shaka (?player=shaka&src=...) with the same charts: window.originShaka.MediaPlayer().create().
'use strict';

(() => {
  const events = { PLAYBACK_PLAYING: 'playing', PLAYBACK_WAITING: 'waiting', ERROR: 'error' };

  function create() {
    const handlers = { playing: [], waiting: [], error: [] };
    const emit = (name, argument) => handlers[name].forEach((handler) => handler(argument));
    const onPlaying = () => emit('playing');
    const onWaiting = () => emit('waiting');
    let player = null;
    let video = null;
    let ready = false;

    return {
      // Shaka in low-latency mode targets the playlist's PART-HOLD-BACK (HLS) or the MPD's latency target (DASH).
      updateSettings() {},
      on(name, handler) {
        handlers[name]?.push(handler);
      },
      initialize(element, src, autoplay) {
        video = element;
        window.shaka.polyfill.installAll();
        player = new window.shaka.Player();
        player.configure({
          streaming: {
            lowLatencyMode: true,
            // Shaka starts at a segment's first (independent) part, up to a segment behind PART-HOLD-BACK, and without
            // live sync never catches up. Its latency here is counted from PART-HOLD-BACK, so 0 means at the hold-back;
            // 1.5× like hls-player.js.
            liveSync: { enabled: true, targetLatency: 0, targetLatencyTolerance: 0.25, maxPlaybackRate: 1.5, minPlaybackRate: 0.95 },
          },
        });
        player.addEventListener('error', (event) => {
          // Only critical errors stop playback; Shaka retries the recoverable ones by itself.
          const error = event.detail;
          if (error?.severity === window.shaka.util.Error.Severity.CRITICAL) {
            emit('error', { error: { code: error.code, message: `${error.category}/${error.code} ${JSON.stringify(error.data ?? [])}` } });
          }
        });
        video.addEventListener('playing', onPlaying);
        video.addEventListener('waiting', onWaiting);
        player.attach(video)
          .then(() => player.load(src))
          .then(() => {
            ready = true;
            if (autoplay) {
              video.play().catch(() => {});
            }
          })
          .catch((error) => emit('error', { error: { code: error?.code ?? null, message: `load failed: ${error?.message ?? error?.code ?? error}` } }));
      },
      isReady: () => ready,
      // Wall-clock latency: now minus the EXT-X-PROGRAM-DATE-TIME (or the MPD's clock) of the frame on screen.
      getCurrentLiveLatency() {
        const date = player?.getPlayheadTimeAsDate();
        return date ? (Date.now() - date.getTime()) / 1000 : NaN;
      },
      getBufferLength() {
        const ranges = video?.buffered;
        for (let i = 0; ranges && i < ranges.length; i++) {
          if (ranges.start(i) <= video.currentTime + 0.1 && video.currentTime <= ranges.end(i)) {
            return ranges.end(i) - video.currentTime;
          }
        }

        return 0;
      },
      getCurrentRepresentationForType() {
        const track = player?.getVariantTracks().find((t) => t.active);
        return track ? { bandwidth: track.bandwidth, width: track.width, height: track.height } : null;
      },
      reset() {
        video?.removeEventListener('playing', onPlaying);
        video?.removeEventListener('waiting', onWaiting);
        player?.destroy();
        player = null;
      },
      get shaka() {
        return player;
      },
    };
  }

  const MediaPlayer = () => ({ create });
  MediaPlayer.events = events;
  window.originShaka = { MediaPlayer };
})();
