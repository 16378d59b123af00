// hls.js behind the small part of dash.js's MediaPlayer API that player.js uses, so the /player page plays an
// LL-HLS playlist (?src=...m3u8) with the same charts: window.originHls.MediaPlayer().create().
'use strict';

(() => {
  const events = { PLAYBACK_PLAYING: 'playing', PLAYBACK_WAITING: 'waiting', ERROR: 'error' };

  function create() {
    const handlers = { playing: [], waiting: [], error: [] };
    const emit = (name, argument) => handlers[name].forEach((handler) => handler(argument));
    const onPlaying = () => emit('playing');
    const onWaiting = () => emit('waiting');
    let hls = null;
    let video = null;
    let ready = false;

    return {
      // hls.js in low-latency mode targets the playlist's PART-HOLD-BACK; catching up is switched on below.
      updateSettings() {},
      on(name, handler) {
        handlers[name]?.push(handler);
      },
      initialize(element, src, autoplay) {
        video = element;
        // Without a maximum rate above 1, hls.js never catches up with the edge after a late start or a stall.
        hls = new window.Hls({ lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5, backBufferLength: 30 });
        hls.on(window.Hls.Events.ERROR, (_, data) => {
          // Only fatal errors stop playback; hls.js retries the others by itself.
          if (data.fatal) {
            emit('error', { error: { code: data.type, message: data.details } });
          }
        });
        hls.on(window.Hls.Events.MANIFEST_PARSED, () => {
          ready = true;
        });
        // Started by hand once a second is buffered: the element's autoplay starts on the first frame, stalls at
        // once, and hls.js answers every stall by adding a second to its target latency for good.
        video.autoplay = false;
        const startWhenBuffered = () => {
          if (autoplay && video.paused && this.getBufferLength() >= 1) {
            hls.off(window.Hls.Events.FRAG_BUFFERED, startWhenBuffered);
            video.play().catch(() => {});
          }
        };
        hls.on(window.Hls.Events.FRAG_BUFFERED, startWhenBuffered);
        video.addEventListener('playing', onPlaying);
        video.addEventListener('waiting', onWaiting);
        hls.loadSource(src);
        hls.attachMedia(video);
      },
      isReady: () => ready,
      // Wall-clock latency: now minus the EXT-X-PROGRAM-DATE-TIME of the frame on screen.
      getCurrentLiveLatency: () => (hls?.playingDate ? (Date.now() - hls.playingDate.getTime()) / 1000 : NaN),
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
        const level = hls?.levels?.[hls.currentLevel];
        return level ? { bandwidth: level.bitrate, width: level.width, height: level.height } : null;
      },
      reset() {
        video?.removeEventListener('playing', onPlaying);
        video?.removeEventListener('waiting', onWaiting);
        hls?.destroy();
        hls = null;
      },
      get hls() {
        return hls;
      },
    };
  }

  const MediaPlayer = () => ({ create });
  MediaPlayer.events = events;
  window.originHls = { MediaPlayer };
})();
