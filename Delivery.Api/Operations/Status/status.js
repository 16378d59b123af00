// The /status page: every channel on the origin with its tracks, current segment, ingest bitrate, viewers
// (all Delivery instances, and which instances serve it) and pass-through latency, each Delivery instance with its
// channels, bitrate out and Redis read rate, pushed by server-sent events from /status/events (one
// snapshot per second, built once on the server for every open page). Keeps the last snapshot and a count on
// window.originStatus for tests and the console.
'use strict';

(() => {
  const $ = (selector, root = document) => root.querySelector(selector);
  const originStatus = { connected: false, snapshots: 0, last: null, errors: 0 };
  window.originStatus = originStatus;

  const charts = {
    latency: {
      series: [{ key: 'p50', color: '#4fc3f7' }, { key: 'p99', color: '#ffb74d' }],
      format: (v) => `${v.toFixed(1)} ms`,
      floor: 5,
    },
    viewers: { series: [{ key: 'viewers', color: '#81c784' }], format: (v) => `${Math.round(v)}`, floor: 2 },
    bitrate: { series: [{ key: 'ingestBitrate', color: '#ba68c8' }], format: bitrate, floor: 100000 },
  };

  function bitrate(bps) {
    if (bps >= 1e6) return `${(bps / 1e6).toFixed(2)} Mb/s`;
    if (bps >= 1e3) return `${Math.round(bps / 1e3)} kb/s`;
    return `${Math.round(bps)} b/s`;
  }

  function ago(at, now) {
    if (!at) return '–';
    const seconds = Math.max(0, (now - at) / 1000);
    return seconds < 10 ? `${seconds.toFixed(1)} s ago` : seconds < 120 ? `${Math.round(seconds)} s ago` : `${Math.round(seconds / 60)} min ago`;
  }

  function latency(ms) {
    return ms > 0 ? `${ms.toFixed(1)} ms` : '–';
  }

  // The player plays a manifest URL; the manifest is served by this same Delivery instance.
  function playerUrl(manifest) {
    return `/player?src=${encodeURIComponent(new URL(`/${manifest}`, location.href).href)}`;
  }

  function render(snapshot) {
    originStatus.snapshots += 1;
    originStatus.last = snapshot;
    const summary = $('#summary');
    const time = new Date(snapshot.at).toISOString().slice(11, 19);
    if (snapshot.error) {
      summary.textContent = `${time}Z · ${snapshot.error}`;
      summary.classList.add('bad');
    } else {
      const live = snapshot.channels.filter((c) => c.state === 'live').length;
      summary.textContent = `${time}Z · ${live} live of ${snapshot.channels.length} channels · ${snapshot.instances} Delivery instance${snapshot.instances === 1 ? '' : 's'} reporting`;
      summary.classList.remove('bad');
    }

    $('#empty').hidden = snapshot.channels.length > 0 || Boolean(snapshot.error);
    const list = $('#channels');
    const seen = new Set();
    for (const channel of snapshot.channels) {
      seen.add(channel.name);
      let article = list.querySelector(`article[data-channel="${CSS.escape(channel.name)}"]`);
      if (!article) {
        article = $('#channel-template').content.firstElementChild.cloneNode(true);
        article.dataset.channel = channel.name;
        list.append(article);
      }

      renderChannel(article, channel, snapshot.at);
    }

    for (const article of [...list.children]) {
      if (!seen.has(article.dataset.channel)) article.remove();
    }

    renderInstances(snapshot.deliveryInstances, snapshot.at);
  }

  function bytes(count) {
    if (count >= 2 ** 30) return `${(count / 2 ** 30).toFixed(1)} GiB`;
    if (count >= 2 ** 20) return `${(count / 2 ** 20).toFixed(1)} MiB`;
    if (count >= 2 ** 10) return `${(count / 2 ** 10).toFixed(1)} KiB`;
    return `${count} B`;
  }

  function renderInstances(instances, now) {
    $('#instances-section').hidden = instances.length === 0;
    $('#instances tbody').replaceChildren(...instances.map((instance) => {
      const row = document.createElement('tr');
      row.dataset.instance = instance.id;
      for (const text of [
        instance.id,
        `${instance.viewers}`,
        bitrate(instance.deliveredBitrate),
        instance.redisReadsPerSecond.toFixed(1),
        instance.channels.length === 0 ? '–' : instance.channels.map((c) => `${c.name} (${c.viewers})`).join(', '),
        bytes(instance.deliveredBytes),
        ago(instance.reportedAt, now),
      ]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }

      return row;
    }));
  }

  // "2 instances: edge-a (3), edge-b (1)": where its viewers are, as the instances last reported.
  function servedBy(instances) {
    if (instances.length === 0) return '–';
    const list = instances.map((i) => `${i.id} (${i.viewers})`).join(', ');
    return `${instances.length} instance${instances.length === 1 ? '' : 's'}: ${list}`;
  }

  function renderChannel(article, channel, now) {
    article.classList.toggle('ended', channel.state !== 'live');
    const link = $('a.play', article);
    link.textContent = channel.name;
    link.href = playerUrl(channel.manifest);
    const state = $('.state', article);
    state.textContent = channel.state;
    state.className = `state ${channel.state}`;
    $('.manifest', article).textContent = channel.manifest;
    // Delivery makes LL-HLS of every DASH push: <dir>/<name>.m3u8 next to <dir>/<name>.mpd.
    const hls = $('a.hls', article);
    const playlist = channel.manifest.endsWith('.mpd') ? channel.manifest.replace(/\.mpd$/, '.m3u8') : null;
    hls.hidden = playlist === null;
    if (playlist !== null) {
      hls.textContent = playlist;
      hls.href = playerUrl(playlist);
    }

    const fields = {
      segment: channel.latestSegment > 0 ? `#${channel.latestSegment}` : '–',
      bitrate: channel.state === 'live' ? bitrate(channel.ingestBitrate) : '–',
      viewers: `${channel.viewers}`,
      served: servedBy(channel.servedBy),
      p50: latency(channel.passThroughP50Ms),
      p99: latency(channel.passThroughP99Ms),
      activity: ago(channel.lastActivityAt, now),
    };
    for (const [field, text] of Object.entries(fields)) {
      $(`[data-field="${field}"]`, article).textContent = text;
    }

    $('.tracks tbody', article).replaceChildren(...channel.tracks.map((track) => {
      const row = document.createElement('tr');
      for (const text of [
        track.id,
        track.contentType,
        track.codecs,
        bitrate(track.bandwidth),
        track.width > 0 ? `${track.width}×${track.height}` : '–',
        track.latestSegment > 0 ? `#${track.latestSegment}` : '–',
      ]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }

      return row;
    }));

    for (const canvas of article.querySelectorAll('canvas[data-chart]')) {
      drawChart(canvas, charts[canvas.dataset.chart], channel.history);
    }
  }

  // A small line chart of the history, newest at the right edge; the scale (top edge's value) at the top left.
  function drawChart(canvas, chart, history) {
    const { context, width, height } = window.originCanvas(canvas);

    const times = history.at;
    const values = chart.series.flatMap((s) => history[s.key]);
    const top = Math.max(chart.floor, ...values.map((v) => v * 1.15));
    const first = times[0];
    const span = Math.max(1, times[times.length - 1] - first);
    const x = (t) => ((t - first) / span) * (width - 2) + 1;
    const y = (v) => height - 2 - (v / top) * (height - 14);

    context.fillStyle = '#8b97a3';
    context.font = '10px system-ui, sans-serif';
    context.fillText(chart.format(top), 3, 10);

    let drawn = 0;
    for (const series of chart.series) {
      const points = history[series.key];
      context.strokeStyle = series.color;
      context.lineWidth = 1.5;
      context.beginPath();
      // A point after a gap (nothing measured: no page was open) starts a new line rather than joining across it.
      points.forEach((v, i) => (i === 0 || history.gap[i] ? context.moveTo(x(times[i]), y(v)) : context.lineTo(x(times[i]), y(v))));
      context.stroke();
      drawn = Math.max(drawn, points.length);
    }

    canvas.dataset.points = `${drawn}`;
  }

  function connect() {
    const events = new EventSource('/status/events');
    events.addEventListener('open', () => {
      originStatus.connected = true;
    });
    events.addEventListener('snapshot', (event) => render(JSON.parse(event.data)));
    events.addEventListener('error', () => {
      // EventSource reconnects by itself; say so meanwhile.
      originStatus.connected = false;
      originStatus.errors += 1;
      const summary = $('#summary');
      summary.textContent = 'connection lost, reconnecting…';
      summary.classList.add('bad');
    });
  }

  connect();
})();
