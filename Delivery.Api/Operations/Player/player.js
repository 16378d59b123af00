// The /player page: plays ?src=<manifest URL> with dash.js in low-latency mode, or, without src, the
// origin's most recently updated live manifest. Shows what matters at low latency (latency, buffer,
// playback rate, bitrate, stalls, errors) and keeps it on window.originPlayer for tests and the console.
'use strict';

(() => {
  const LATEST_MANIFEST = '/api/manifests/latest';
  const POLL_INTERVAL_MS = 2000;
  const SAMPLE_INTERVAL_MS = 500;
  const CHART_SECONDS = 60;
  const STALLED_RESTART_MS = 6000;

  const $ = (selector) => document.querySelector(selector);
  const video = $('#video');
  const query = new URLSearchParams(location.search);
  const requestedSource = query.get('src')?.trim() || null;

  // Target latency and catch-up rates (dash.js v5: min is a negative offset from 1, max a positive one).
  const settings = {
    targetLatency: numberOr(query.get('latency'), 1.5),
    rateMin: numberOr(query.get('rateMin'), -0.5),
    rateMax: numberOr(query.get('rateMax'), 0.5),
  };

  const stats = {
    state: 'idle', // idle | waiting | loading | playing | error
    src: null,
    startedAt: null, // Date.now() when the current source first played
    stalls: 0, // PLAYBACK_WAITING after playback started
    errors: [], // { at, code, message }
    latency: NaN,
    buffer: NaN,
    rate: NaN,
    bitrate: NaN,
    width: NaN,
    height: NaN,
    samples: [], // { t, latency, buffer, rate, bitrate } over the last CHART_SECONDS
  };

  const originPlayer = { player: null, video, settings, stats, applySettings };
  window.originPlayer = originPlayer;

  function numberOr(text, fallback) {
    const value = Number.parseFloat(text ?? '');
    return Number.isFinite(value) ? value : fallback;
  }

  function setStatus(text, isError = false) {
    const status = $('#status');
    status.textContent = text;
    status.classList.toggle('error', isError);
  }

  function dashSettings() {
    return {
      streaming: {
        delay: { liveDelay: settings.targetLatency },
        liveCatchup: {
          enabled: true,
          // Playback rate steered by the distance to the target latency alone. (LoL+ also holds the target
          // here, but leaves a 2 % dead band, so it settles at 1.52 s instead of 1.50 s.)
          mode: 'liveCatchupModeDefault',
          playbackRate: { min: settings.rateMin, max: settings.rateMax },
        },
        // Clock from the MPD's UTCTiming (the origin's /time): latency is measured against the origin's clock.
        utcSynchronization: { enabled: true },
      },
    };
  }

  function applySettings(changes = {}) {
    Object.assign(settings, changes);
    $('#target-latency').value = settings.targetLatency;
    $('#rate-min').value = settings.rateMin;
    $('#rate-max').value = settings.rateMax;
    originPlayer.player?.updateSettings(dashSettings());
  }

  async function latestManifest() {
    for (;;) {
      try {
        const response = await fetch(LATEST_MANIFEST, { cache: 'no-store' });
        if (response.ok) {
          const { path } = await response.json();
          if (path) {
            return new URL('/' + path.replace(/^\/+/, ''), location.href).href;
          }
        }

        setStatus(response.ok || response.status === 404
          ? 'waiting for a live stream…'
          : `waiting for a live stream (${LATEST_MANIFEST} answered ${response.status})`);
      } catch {
        setStatus('waiting for a live stream (the origin is not reachable)…');
      }

      stats.state = 'waiting';
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }

  function play(src) {
    // ?player=shaka plays with Shaka (shaka-player.js); otherwise an HLS playlist plays with hls.js (hls-player.js wraps
    // it in the calls made here), anything else with dash.js.
    const { MediaPlayer } = query.get('player') === 'shaka' ? window.originShaka
      : /\.m3u8(?:[?#]|$)/i.test(src) ? window.originHls : window.dashjs;
    const events = MediaPlayer.events;
    const player = MediaPlayer().create();
    originPlayer.player = player;
    Object.assign(stats, { state: 'loading', src, startedAt: null });
    setStatus(`loading ${src}`);

    player.updateSettings(dashSettings());
    player.on(events.PLAYBACK_PLAYING, () => {
      if (stats.startedAt === null) {
        stats.startedAt = Date.now();
        stats.state = 'playing';
        setStatus(`playing ${src}`);
      }
    });
    player.on(events.PLAYBACK_WAITING, () => {
      if (stats.startedAt !== null) {
        stats.stalls++;
      }
    });
    player.on(events.ERROR, (e) => {
      const error = e.error ?? {};
      stats.errors.push({ at: new Date().toISOString(), code: error.code ?? null, message: error.message ?? String(e.error) });
      stats.state = 'error';
      setStatus(`error ${error.code ?? ''} ${error.message ?? ''}`.trim(), true);
      renderErrors();
      if (!requestedSource) {
        setTimeout(() => restart(player, 'the stream failed'), POLL_INTERVAL_MS);
      }
    });
    player.initialize(video, src, true);
  }

  // Following the latest stream (no src): when it ends (the encoder deleted its manifest) or its picture
  // stopped, wait for the next one. dash.js alone would sit on the last frame: ffmpeg's MPD asks for no
  // refresh for minutes (minimumUpdatePeriod), and missing segments are retried, not reported.
  const watchdog = { time: -1, since: 0, checking: false };

  async function followLatest() {
    const player = originPlayer.player;
    if (requestedSource || !player || stats.startedAt === null || watchdog.checking) {
      return;
    }

    const now = Date.now();
    if (video.paused || video.currentTime !== watchdog.time) {
      Object.assign(watchdog, { time: video.currentTime, since: now });
    }

    watchdog.checking = true;
    try {
      const manifest = await fetch(stats.src, { method: 'HEAD', cache: 'no-store' });
      if (manifest.status === 404) {
        restart(player, 'the stream ended');
      } else if (now - watchdog.since > STALLED_RESTART_MS) {
        restart(player, 'the stream stopped');
      }
    } catch {
      // The origin is unreachable for a moment: keep playing what is buffered.
    } finally {
      watchdog.checking = false;
    }
  }

  function restart(player, reason) {
    if (originPlayer.player !== player) {
      return; // already restarted
    }

    originPlayer.player = null;
    player.reset();
    Object.assign(stats, { state: 'waiting', startedAt: null });
    setStatus(`${reason}; waiting for a live stream…`);
    start();
  }

  async function start() {
    play(requestedSource ? new URL(requestedSource, location.href).href : await latestManifest());
  }

  function sample() {
    const player = originPlayer.player;
    if (!player || !player.isReady() || stats.startedAt === null) {
      return;
    }

    try {
      const representation = player.getCurrentRepresentationForType('video');
      Object.assign(stats, {
        latency: player.getCurrentLiveLatency(),
        buffer: player.getBufferLength('video'),
        rate: video.playbackRate,
        bitrate: representation?.bandwidth ?? NaN,
        width: representation?.width ?? NaN,
        height: representation?.height ?? NaN,
      });
    } catch {
      return; // between streams
    }

    const now = Date.now();
    stats.samples.push({ t: now, latency: stats.latency, buffer: stats.buffer, rate: stats.rate, bitrate: stats.bitrate });
    while (stats.samples.length && stats.samples[0].t < now - CHART_SECONDS * 1000) {
      stats.samples.shift();
    }

    render(now);
  }

  const charts = {
    latency: { format: (v) => `${v.toFixed(2)} s`, floor: () => settings.targetLatency * 2, target: () => settings.targetLatency },
    buffer: { format: (v) => `${v.toFixed(2)} s`, floor: () => 2 },
    rate: { format: (v) => `${v.toFixed(2)}×`, floor: () => 1 + Math.max(settings.rateMax, 0.5), target: () => 1 },
    bitrate: { format: (v) => `${Math.round(v / 1000)} kb/s`, floor: () => 0 },
  };

  function render(now) {
    for (const [key, chart] of Object.entries(charts)) {
      const figure = document.querySelector(`figure[data-metric="${key}"]`);
      const value = stats[key];
      figure.querySelector('output').textContent = Number.isFinite(value) ? chart.format(value) : '–';
      drawChart(figure.querySelector('canvas'), key, chart, now);
    }

    const stalls = $('#stalls');
    stalls.textContent = stats.stalls;
    stalls.classList.toggle('bad', stats.stalls > 0);
    $('#rendition').textContent = Number.isFinite(stats.height) ? `${stats.width}×${stats.height}` : '–';
  }

  function renderErrors() {
    const count = $('#error-count');
    count.textContent = stats.errors.length;
    count.classList.toggle('bad', stats.errors.length > 0);
    $('#errors').replaceChildren(...stats.errors.slice(-20).map((error) => {
      const item = document.createElement('li');
      item.textContent = `${error.at.slice(11, 23)} ${error.code ?? ''} ${error.message}`;
      return item;
    }));
  }

  function drawChart(canvas, key, chart, now) {
    const { context, width, height } = window.originCanvas(canvas);

    const points = stats.samples.filter((s) => Number.isFinite(s[key]));
    const top = Math.max(chart.floor(), ...points.map((s) => s[key] * 1.15)) || 1;
    const x = (t) => width - ((now - t) / (CHART_SECONDS * 1000)) * width;
    const y = (v) => height - 2 - (v / top) * (height - 4);

    const target = chart.target?.();
    if (target !== undefined) {
      context.strokeStyle = '#8b97a3';
      context.setLineDash([3, 3]);
      context.beginPath();
      context.moveTo(0, y(target));
      context.lineTo(width, y(target));
      context.stroke();
      context.setLineDash([]);
    }

    // The scale: the value at the top edge.
    context.fillStyle = '#8b97a3';
    context.font = '10px system-ui, sans-serif';
    context.fillText(chart.format(top), 2, 10);

    context.strokeStyle = '#4fc3f7';
    context.lineWidth = 1.5;
    context.beginPath();
    points.forEach((s, i) => (i === 0 ? context.moveTo(x(s.t), y(s[key])) : context.lineTo(x(s.t), y(s[key]))));
    context.stroke();
  }

  function onSettingChanged() {
    applySettings({
      targetLatency: numberOr($('#target-latency').value, settings.targetLatency),
      rateMin: Math.min(0, numberOr($('#rate-min').value, settings.rateMin)),
      rateMax: Math.max(0, numberOr($('#rate-max').value, settings.rateMax)),
    });
  }

  $('#src').value = requestedSource ?? '';
  for (const input of document.querySelectorAll('#settings input')) {
    input.addEventListener('change', onSettingChanged);
  }

  applySettings();
  setInterval(sample, SAMPLE_INTERVAL_MS);
  setInterval(followLatest, POLL_INTERVAL_MS);
  start();
})();
