// What hls-player.js and shaka-player.js share: the small part of dash.js's MediaPlayer API that player.js uses,
// around the page's video element, so every engine plays with the same charts. An engine only loads, reports its
// latency and rendition, and is destroyed: window.originMediaPlayer(createEngine) gives its MediaPlayer.
'use strict';

(() => {
  const events = { PLAYBACK_PLAYING: 'playing', PLAYBACK_WAITING: 'waiting', ERROR: 'error' };

  // createEngine({ video, emit, markReady, getBufferLength }) → { load(src, autoplay), latency(), representation(), destroy() }
  function mediaPlayer(createEngine) {
    function create() {
      const handlers = { playing: [], waiting: [], error: [] };
      const emit = (name, argument) => handlers[name].forEach((handler) => handler(argument));
      const onPlaying = () => emit('playing');
      const onWaiting = () => emit('waiting');
      let engine = null;
      let video = null;
      let ready = false;

      // Seconds buffered ahead of the playhead, in the range that holds it.
      const getBufferLength = () => {
        const ranges = video?.buffered;
        for (let i = 0; ranges && i < ranges.length; i++) {
          if (ranges.start(i) <= video.currentTime + 0.1 && video.currentTime <= ranges.end(i)) {
            return ranges.end(i) - video.currentTime;
          }
        }

        return 0;
      };

      return {
        // The engines take their latency target from the stream (PART-HOLD-BACK, the MPD's target); nothing to set.
        updateSettings() {},
        on(name, handler) {
          handlers[name]?.push(handler);
        },
        initialize(element, src, autoplay) {
          video = element;
          engine = createEngine({ video, emit, markReady: () => { ready = true; }, getBufferLength });
          video.addEventListener('playing', onPlaying);
          video.addEventListener('waiting', onWaiting);
          engine.load(src, autoplay);
        },
        isReady: () => ready,
        getCurrentLiveLatency: () => engine?.latency() ?? NaN,
        getBufferLength,
        getCurrentRepresentationForType: () => engine?.representation() ?? null,
        reset() {
          video?.removeEventListener('playing', onPlaying);
          video?.removeEventListener('waiting', onWaiting);
          engine?.destroy();
          engine = null;
        },
      };
    }

    const MediaPlayer = () => ({ create });
    MediaPlayer.events = events;
    return MediaPlayer;
  }

  window.originMediaPlayer = mediaPlayer;
})();
