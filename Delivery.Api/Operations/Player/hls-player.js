// hls.js as a media-player.js engine, so the /player page plays an LL-HLS playlist (?src=...m3u8) with the same
// charts: window.originHls.MediaPlayer().create().
'use strict';

(() => {
  function createEngine({ video, emit, markReady, getBufferLength }) {
    // hls.js in low-latency mode targets the playlist's PART-HOLD-BACK. Without a maximum rate above 1, it never
    // catches up with the edge after a late start or a stall.
    const hls = new window.Hls({ lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5, backBufferLength: 30 });
    return {
      load(src, autoplay) {
        hls.on(window.Hls.Events.ERROR, (_, data) => {
          // Only fatal errors stop playback; hls.js retries the others by itself.
          if (data.fatal) {
            emit('error', { error: { code: data.type, message: data.details } });
          }
        });
        hls.on(window.Hls.Events.MANIFEST_PARSED, markReady);
        // Started by hand once a second is buffered: the element's autoplay starts on the first frame, stalls at
        // once, and hls.js answers every stall by adding a second to its target latency for good.
        video.autoplay = false;
        const startWhenBuffered = () => {
          if (autoplay && video.paused && getBufferLength() >= 1) {
            hls.off(window.Hls.Events.FRAG_BUFFERED, startWhenBuffered);
            video.play().catch(() => {});
          }
        };
        hls.on(window.Hls.Events.FRAG_BUFFERED, startWhenBuffered);
        hls.loadSource(src);
        hls.attachMedia(video);
      },
      // Wall-clock latency: now minus the EXT-X-PROGRAM-DATE-TIME of the frame on screen.
      latency: () => (hls.playingDate ? (Date.now() - hls.playingDate.getTime()) / 1000 : NaN),
      representation() {
        const level = hls.levels?.[hls.currentLevel];
        return level ? { bandwidth: level.bitrate, width: level.width, height: level.height } : null;
      },
      destroy: () => hls.destroy(),
    };
  }

  window.originHls = { MediaPlayer: window.originMediaPlayer(createEngine) };
})();
