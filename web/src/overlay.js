// One canvas over the Leaflet map for everything that changes: graticule, range rings,
// country names, trails, heading vectors, symbols and labels. Drawing 5,000 tracks as
// Leaflet markers (one DOM node or path each) is far too slow; here each style is one
// batched canvas path, and the projection is plain Web Mercator arithmetic.

import L from 'leaflet';
import { M_PER_NM, flightLevel } from './units.js';

const R_EARTH = 6371008.8;
const MAX_LABELS = 300;
const D2R = Math.PI / 180;

const COLOR = {
  seaId: '#4fc3f7',
  airId: '#81c784',
  anon: '#ffb300',
  unknown: '#ce93d8',
  stale: '#7d838c',
  selected: '#ffffff',
  trail: 'rgba(160, 200, 230, 0.45)',
  trailStale: 'rgba(125, 131, 140, 0.35)',
  graticule: 'rgba(150, 170, 190, 0.22)',
  graticuleText: 'rgba(170, 190, 210, 0.75)',
  rings: 'rgba(255, 120, 120, 0.8)',
  names: 'rgba(200, 210, 220, 0.45)',
};

// A point `dist` metres from (lat, lon) on bearing `brg` (degrees), on the sphere.
function destination(lat, lon, brg, dist) {
  const d = dist / R_EARTH;
  const p1 = lat * D2R;
  const b = brg * D2R;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 = lon * D2R + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return [p2 / D2R, l2 / D2R];
}

export class TrackOverlay extends L.Layer {
  constructor(store, opts) {
    super();
    this.store = store;
    this.visible = []; // filtered tracks, set by the app
    this.selected = null;
    this.selectedHistory = null; // [[lon, lat]] from /history, if the server has it
    this.trailSeconds = opts.trailSeconds ?? 300;
    this.vectorMinutes = opts.vectorMinutes ?? 6;
    this.rings = null; // { lat, lon, nm, count }
    this.names = opts.names ?? [];
    this.drawn = 0;
    this.screen = new Float32Array(0); // x, y per drawn track, for hit tests
    this.screenIds = [];
    this.pending = false;
    this.lastDrawMs = 0;
    this.widths = new Map(); // label text -> width in pixels
  }

  onAdd(map) {
    this.map = map;
    // Three canvases: under (graticule, names, rings, trails, vectors), symbols, labels.
    // A data update repaints them in three successive frames, so no single frame
    // carries the whole rasterising of 5,000 tracks (no GPU on many watch-floor PCs).
    this.root = L.DomUtil.create('div', 'cop-overlay', map.getContainer());
    this.layers = {};
    for (const name of ['under', 'symbols', 'labels']) {
      const canvas = L.DomUtil.create('canvas', `cop-layer cop-${name}`, this.root);
      this.layers[name] = { canvas, ctx: canvas.getContext('2d'), at: null, offset: [0, 0] };
    }
    this.canvas = this.layers.symbols.canvas;
    this.ctx = this.layers.symbols.ctx;
    map.on('move', this.onMove, this);
    map.on('zoom viewreset resize moveend', this.redraw, this);
    this.redraw();
    return this;
  }

  onRemove(map) {
    map.off('move', this.onMove, this);
    map.off('zoom viewreset resize moveend', this.redraw, this);
    this.root.remove();
  }

  /** The symbols layer's shift since it was painted (hit tests need it). */
  get offset() {
    return this.layers?.symbols.offset ?? [0, 0];
  }

  // While the map pans, shift each layer's last picture with a CSS transform (as
  // Leaflet does with its own panes) and repaint when the pan ends or has gone far:
  // repainting 5,000 tracks on every mouse move costs more than a frame in a
  // software-rendered canvas.
  onMove() {
    const tl = this.map.containerPointToLayerPoint([0, 0]);
    for (const layer of Object.values(this.layers)) {
      const at = layer.at;
      if (!at || this.map.getZoom() !== at.zoom) return this.redraw();
      const dx = at.x - tl.x;
      const dy = at.y - tl.y;
      if (Math.abs(dx) + Math.abs(dy) > 250) return this.redraw();
      layer.offset = [dx, dy];
      layer.canvas.style.transform = dx || dy ? `translate(${dx}px, ${dy}px)` : '';
    }
  }

  /** The view changed: repaint every layer in the next frame. */
  redraw() {
    this.want = 'all';
    this.schedule();
  }

  /** The data changed: repaint the layers over the next three frames. */
  update() {
    if (this.want !== 'all') this.want = 'staged';
    this.schedule();
  }

  schedule() {
    if (this.pending || !this.map) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      const t0 = performance.now();
      if (this.want === 'all') {
        this.want = null;
        this.stages = [];
        this.prepare();
        for (const name of ['under', 'symbols', 'labels']) this.paint(name);
      } else if (this.want === 'staged') {
        this.want = null;
        this.prepare();
        this.paint('symbols');
        this.stages = ['under', 'labels'];
      } else if (this.stages?.length) {
        this.paint(this.stages.shift());
      }
      this.lastDrawAt = performance.now();
      this.lastDrawMs = this.lastDrawAt - t0;
      this.onDraw?.(this.lastDrawMs);
      if (this.want || this.stages?.length) this.schedule();
    });
  }

  /** Redraws unless a frame was drawn within `ms` (ages and staleness move slowly). */
  redrawIfOlder(ms) {
    if (!(performance.now() - (this.lastDrawAt ?? 0) < ms)) this.update();
  }

  // Web Mercator world pixels at the current zoom, relative to the container's top left.
  projector() {
    const map = this.map;
    const z = map.getZoom();
    const scale = 256 * Math.pow(2, z);
    const origin = map.project(map.containerPointToLatLng([0, 0]), z);
    const ox = origin.x;
    const oy = origin.y;
    const fn = (lon, lat) => {
      const s = Math.sin(lat * D2R);
      return [
        ((lon + 180) / 360) * scale - ox,
        (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * scale - oy,
      ];
    };
    fn.z = z;
    fn.metresPerPixel = (lat) => (2 * Math.PI * 6378137 * Math.cos(lat * D2R)) / scale;
    return fn;
  }

  // Projects what is to be drawn, once per update: every layer of one update is painted
  // from the same projection, even if the map moved between their frames.
  prepare() {
    const map = this.map;
    const size = map.getSize();
    const tl = map.containerPointToLayerPoint([0, 0]);
    const P = this.projector();
    const W = size.x;
    const H = size.y;
    const now = this.store.now();
    const tracks = this.visible;
    const n = tracks.length;
    if (this.screen.length < n * 2) this.screen = new Float32Array(n * 2);
    const ids = [];
    const screen = new Float32Array(n * 2);
    const inView = [];
    const margin = 20;
    for (const t of tracks) {
      const [x, y] = P(t.lon, t.lat);
      if (x < -margin || y < -margin || x > W + margin || y > H + margin) continue;
      screen[ids.length * 2] = x;
      screen[ids.length * 2 + 1] = y;
      ids.push(t.id);
      inView.push({ t, x, y, stale: this.store.isStale(t, now) });
    }
    this.frame = {
      P,
      W,
      H,
      now,
      inView,
      ids,
      screen,
      size,
      dpr: window.devicePixelRatio || 1,
      bounds: map.getBounds().pad(0.05),
      at: { x: tl.x, y: tl.y, zoom: map.getZoom() },
    };
  }

  paint(name) {
    const f = this.frame;
    const layer = this.layers[name];
    const c = layer.canvas;
    const { size, dpr, P, W, H, now, inView, bounds } = f;
    if (c.width !== Math.round(size.x * dpr) || c.height !== Math.round(size.y * dpr)) {
      c.width = Math.round(size.x * dpr);
      c.height = Math.round(size.y * dpr);
      c.style.width = `${size.x}px`;
      c.style.height = `${size.y}px`;
    }
    const ctx = layer.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    layer.at = f.at;
    // Where the map is now, relative to the projection this layer was painted with.
    const tl = this.map.containerPointToLayerPoint([0, 0]);
    layer.offset = [f.at.x - tl.x, f.at.y - tl.y];
    c.style.transform = layer.offset[0] || layer.offset[1] ? `translate(${layer.offset[0]}px, ${layer.offset[1]}px)` : '';
    if (name === 'under') this.paintUnder(ctx, P, W, H, now, inView, bounds);
    else if (name === 'symbols') {
      this.screen = f.screen;
      this.screenIds = f.ids;
      this.drawn = inView.length;
      this.paintSymbols(ctx, inView);
    } else this.paintLabels(ctx, P, inView);
  }

  paintUnder(ctx, P, W, H, now, inView, bounds) {
    this.drawGraticule(ctx, P, bounds, W, H);
    this.drawNames(ctx, P, W, H);
    this.drawRings(ctx, P);

    // Trails: two batched paths (live, stale).
    if (this.trailSeconds > 0) {
      const since = now - this.trailSeconds * 1000;
      for (const stale of [false, true]) {
        ctx.beginPath();
        for (const v of inView) {
          if (v.stale !== stale || !v.t.trail.length) continue;
          let started = false;
          let px = 0;
          let py = 0;
          for (const [lon, lat, time] of v.t.trail) {
            if (time < since) continue;
            const [x, y] = P(lon, lat);
            if (!started) ctx.moveTo(x, y);
            else if (Math.abs(x - px) + Math.abs(y - py) < 2) continue; // invisible step
            else ctx.lineTo(x, y);
            px = x;
            py = y;
            started = true;
          }
          if (started) ctx.lineTo(v.x, v.y);
        }
        ctx.strokeStyle = stale ? COLOR.trailStale : COLOR.trail;
        ctx.lineWidth = 1;
        ctx.stroke();
      }
    }
    if (this.selectedHistory && this.selectedHistory.length > 1) {
      ctx.beginPath();
      this.selectedHistory.forEach(([lon, lat], i) => {
        const [x, y] = P(lon, lat);
        if (i) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
      });
      ctx.strokeStyle = 'rgba(255,255,255,0.7)';
      ctx.lineWidth = 1.5;
      ctx.stroke();
    }

    // Heading vectors: distance covered in `vectorMinutes` at the current speed.
    if (this.vectorMinutes > 0) {
      for (const stale of [false, true]) {
        ctx.beginPath();
        for (const v of inView) {
          const t = v.t;
          if (v.stale !== stale || t.course == null || !(t.speed > 0.5)) continue;
          const len = (t.speed * this.vectorMinutes * 60) / P.metresPerPixel(t.lat);
          if (len < 2) continue; // shorter than the symbol: not worth a stroke
          const a = t.course * D2R;
          ctx.moveTo(v.x, v.y);
          ctx.lineTo(v.x + Math.sin(a) * len, v.y - Math.cos(a) * len);
        }
        ctx.strokeStyle = stale ? COLOR.stale : 'rgba(230, 240, 250, 0.8)';
        ctx.lineWidth = 1;
        ctx.stroke();
      }
    }
  }

  paintSymbols(ctx, inView) {
    // Symbols, batched by shape and colour: one path and one fill per style. (Measured
    // in software-rendered Chromium at 5,000 tracks: sprites copied with drawImage, or
    // blended by hand into one ImageData, cost as much in all.) Tentative tracks are
    // outlines only.
    const buckets = new Map();
    for (const v of inView) {
      const t = v.t;
      const shape = t.domain === 'sea' ? 'circle' : t.domain === 'air' ? 'triangle' : 'square';
      const color = v.stale
        ? COLOR.stale
        : t.domain === 'unknown'
          ? COLOR.unknown
          : !t.identified
            ? COLOR.anon
            : t.domain === 'air'
              ? COLOR.airId
              : COLOR.seaId;
      const hollow = t.status === 'tentative';
      const key = `${shape}|${color}|${hollow}`;
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { shape, color, hollow, items: [] }));
      b.items.push(v);
    }
    for (const b of buckets.values()) {
      ctx.beginPath();
      for (const { x, y } of b.items) {
        if (b.shape === 'circle') {
          ctx.moveTo(x + 4.5, y);
          ctx.arc(x, y, 4.5, 0, 2 * Math.PI);
        } else if (b.shape === 'triangle') {
          ctx.moveTo(x, y - 6);
          ctx.lineTo(x + 5.5, y + 4);
          ctx.lineTo(x - 5.5, y + 4);
          ctx.closePath();
        } else {
          ctx.rect(x - 4, y - 4, 8, 8);
        }
      }
      if (b.hollow) {
        ctx.strokeStyle = b.color;
        ctx.lineWidth = 1.6;
        ctx.stroke();
      } else {
        // Fill only: a dark outline would double the rasterising for little contrast.
        ctx.fillStyle = b.color;
        ctx.fill();
      }
    }
  }

  paintLabels(ctx, P, inView) {
    // Labels where there is room: each is placed only if it overlaps no label already
    // placed (a coarse grid keeps the test cheap), identified tracks first.
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const CELL = 64;
    const grid = new Map();
    const free = (b) => {
      for (let gx = Math.floor(b[0] / CELL); gx <= Math.floor(b[2] / CELL); gx++)
        for (let gy = Math.floor(b[1] / CELL); gy <= Math.floor(b[3] / CELL); gy++)
          for (const o of grid.get(gx * 65536 + gy) ?? []) if (b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]) return false;
      return true;
    };
    const take = (b) => {
      for (let gx = Math.floor(b[0] / CELL); gx <= Math.floor(b[2] / CELL); gx++)
        for (let gy = Math.floor(b[1] / CELL); gy <= Math.floor(b[3] / CELL); gy++) {
          const k = gx * 65536 + gy;
          const cell = grid.get(k);
          if (cell) cell.push(b);
          else grid.set(k, [b]);
        }
    };
    // Text widths outlive frames (track objects are replaced on every message).
    if (this.widths.size > 50_000) this.widths.clear();
    const labels = [];
    const order = inView.length > 1 ? inView.slice().sort((a, b) => b.t.identified - a.t.identified) : inView;
    for (const v of order) {
      if (labels.length >= MAX_LABELS) break;
      const t = v.t;
      // Widths by name only: a flight level changes every message, and measuring text
      // is the dearest part of labelling in a software-rendered canvas.
      const fl = t.domain === 'air' && t.alt != null ? flightLevel(t.alt) : '';
      const text = fl ? `${t.label} ${fl}` : t.label;
      let w = this.widths.get(t.label);
      if (w === undefined) this.widths.set(t.label, (w = ctx.measureText(t.label).width));
      if (fl) w += this.flWidth ?? (this.flWidth = ctx.measureText(' FL000').width);
      const box = [v.x + 6, v.y - 14, v.x + 10 + w, v.y];
      if (!free(box)) continue;
      take(box);
      labels.push({ box, text, stale: v.stale });
    }
    // Boxes first, then text, few style changes: a box behind the text is much cheaper
    // than a stroked halo when the canvas is rendered in software.
    ctx.fillStyle = 'rgba(8, 16, 24, 0.55)';
    for (const { box } of labels) ctx.fillRect(box[0], box[1], box[2] - box[0], box[3] - box[1]);
    for (const stale of [false, true]) {
      ctx.fillStyle = stale ? COLOR.stale : 'rgba(225, 235, 245, 0.92)';
      for (const l of labels) if (l.stale === stale) ctx.fillText(l.text, l.box[0] + 2, l.box[1] + 7);
    }
    this.labelled = labels.length;

    const sel = this.selected;
    if (sel != null) {
      const v = inView.find((v) => v.t.id === sel);
      if (v) {
        ctx.beginPath();
        ctx.arc(v.x, v.y, 10, 0, 2 * Math.PI);
        ctx.strokeStyle = COLOR.selected;
        ctx.lineWidth = 2;
        ctx.stroke();
        ctx.font = 'bold 12px system-ui, sans-serif';
        ctx.fillStyle = COLOR.selected;
        ctx.lineWidth = 3;
        ctx.strokeStyle = 'rgba(8, 16, 24, 0.9)';
        ctx.strokeText(v.t.label, v.x + 13, v.y + 12);
        ctx.fillText(v.t.label, v.x + 13, v.y + 12);
      }
    }
  }

  drawGraticule(ctx, P, bounds, W, H) {
    // The finest step that keeps lines (and their labels) at least 90 px apart.
    const pxPerDeg = (256 * Math.pow(2, P.z)) / 360;
    const step = [1 / 60, 1 / 30, 1 / 12, 1 / 6, 0.25, 0.5, 1, 2, 5, 10, 20].find((s) => s * pxPerDeg >= 90) ?? 20;
    const west = Math.floor(bounds.getWest() / step) * step;
    const south = Math.max(-85, Math.floor(bounds.getSouth() / step) * step);
    ctx.beginPath();
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = COLOR.graticuleText;
    ctx.textBaseline = 'top';
    const fmt = (v, pos, neg) => {
      const a = Math.abs(v);
      const d = Math.floor(a + 1e-9);
      const m = Math.round((a - d) * 60);
      return `${d}°${m ? String(m).padStart(2, '0') + '′' : ''}${v < 0 ? neg : v > 0 ? pos : ''}`;
    };
    for (let lon = west; lon <= bounds.getEast(); lon += step) {
      const [x] = P(lon, 0);
      ctx.moveTo(x, 0);
      ctx.lineTo(x, H);
      ctx.fillText(fmt(lon, 'E', 'W'), x + 3, 3);
    }
    for (let lat = south; lat <= Math.min(85, bounds.getNorth()); lat += step) {
      const [, y] = P(0, lat);
      ctx.moveTo(0, y);
      ctx.lineTo(W, y);
      ctx.fillText(fmt(lat, 'N', 'S'), 3, y + 3);
    }
    ctx.strokeStyle = COLOR.graticule;
    ctx.lineWidth = 1;
    ctx.stroke();
  }

  drawNames(ctx, P, W, H) {
    // Larger countries first; smaller ones appear as the map zooms in.
    const minArea = 40 / Math.pow(2, (P.z - 4) * 2);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = COLOR.names;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const n of this.names) {
      if (n.area < minArea) continue;
      const [x, y] = P(n.lon, n.lat);
      if (x < 0 || y < 0 || x > W || y > H) continue;
      ctx.fillText(n.name.toUpperCase(), x, y);
    }
    ctx.textAlign = 'start';
  }

  drawRings(ctx, P) {
    const r = this.rings;
    if (!r) return;
    ctx.beginPath();
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = COLOR.rings;
    ctx.textBaseline = 'bottom';
    for (let k = 1; k <= r.count; k++) {
      const dist = k * r.nm * M_PER_NM;
      for (let b = 0; b <= 360; b += 5) {
        const [lat, lon] = destination(r.lat, r.lon, b, dist);
        const [x, y] = P(lon, lat);
        if (b) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
      }
      const [lat, lon] = destination(r.lat, r.lon, 0, dist);
      const [x, y] = P(lon, lat);
      ctx.fillText(`${k * r.nm} NM`, x + 3, y - 2);
    }
    const [cx, cy] = P(r.lon, r.lat);
    ctx.moveTo(cx - 6, cy);
    ctx.lineTo(cx + 6, cy);
    ctx.moveTo(cx, cy - 6);
    ctx.lineTo(cx, cy + 6);
    ctx.strokeStyle = COLOR.rings;
    ctx.lineWidth = 1;
    ctx.stroke();
  }

  /** The id of the drawn track nearest to a container point, within `radius` pixels. */
  hit(x, y, radius = 12) {
    const [ox, oy] = this.offset ?? [0, 0];
    x -= ox;
    y -= oy;
    let best = null;
    let bestD = radius * radius;
    for (let i = 0; i < this.screenIds.length; i++) {
      const dx = this.screen[i * 2] - x;
      const dy = this.screen[i * 2 + 1] - y;
      const d = dx * dx + dy * dy;
      if (d <= bestD) {
        bestD = d;
        best = this.screenIds[i];
      }
    }
    return best;
  }
}
