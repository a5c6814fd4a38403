// The picture as this browser knows it: tracks by id, their trails, and the filters.

import { KN_PER_MPS } from './units.js';

// After this long without an update a track is drawn grey (air moves fast, ships slowly).
const STALE_S = { sea: 90, air: 20, unknown: 60 };
// Trails are kept up to the longest choice in the UI.
const TRAIL_KEEP_MS = 30 * 60 * 1000;
const TRAIL_STEP_MS = 15 * 1000;

export function trackLabel(t) {
  const i = t.identity;
  return i.name || i.callsign || (i.mmsi ? `MMSI ${i.mmsi}` : '') || (i.icao24 || i.icao ? `ICAO ${i.icao24 || i.icao}` : '') || `#${t.id}`;
}

export function isIdentified(t) {
  const i = t.identity;
  return Boolean(i.mmsi || i.icao24 || i.icao || i.callsign || i.name);
}

function fromFeature(f) {
  const p = f.properties ?? {};
  const [lon, lat] = f.geometry?.coordinates ?? [NaN, NaN];
  const t = {
    id: f.id,
    lon,
    lat,
    status: p.status ?? 'tentative',
    domain: p.domain ?? 'unknown',
    speed: p.speed_mps ?? null,
    course: p.course_deg ?? null,
    alt: p.altitude_m ?? null,
    accuracy: p.accuracy_m ?? null,
    identity: p.identity ?? {},
    sensors: p.sensors ?? [],
    nations: p.nations ?? [],
    updated: Date.parse(p.updated) || 0,
  };
  t.label = trackLabel(t);
  t.identified = isIdentified(t);
  // Lower-cased text the search box matches against.
  t.search = [t.id, t.label, ...Object.values(t.identity).filter((v) => v != null)].join(' ').toLowerCase();
  return t;
}

export class Store {
  constructor() {
    this.tracks = new Map();
    this.clockOffset = 0; // server time minus browser time
    this.version = 0;
    this.nations = new Set();
    this.filter = { q: '', domain: '', status: '', nation: '', minKn: null, maxKn: null };
  }

  now() {
    return Date.now() + this.clockOffset;
  }

  /** One stream message (or a poll, as a full message). */
  apply(msg) {
    const time = Date.parse(msg.time);
    if (Number.isFinite(time)) this.clockOffset = time - Date.now();
    const seen = msg.full ? new Set() : null;
    for (const f of msg.updated ?? []) {
      if (f?.id == null || !f.geometry) continue;
      const t = fromFeature(f);
      if (!Number.isFinite(t.lon) || !Number.isFinite(t.lat)) continue;
      const old = this.tracks.get(t.id);
      t.trail = old ? old.trail : [];
      // A trail point every TRAIL_STEP_MS at most: the drawn trail ends at the current
      // position anyway, and 5,000 tracks × one point a second would be too many to draw.
      const last = t.trail[t.trail.length - 1];
      const at = t.updated || this.now();
      if (!last || (at - last[2] >= TRAIL_STEP_MS && (last[0] !== t.lon || last[1] !== t.lat))) t.trail.push([t.lon, t.lat, at]);
      const cut = this.now() - TRAIL_KEEP_MS;
      while (t.trail.length && t.trail[0][2] < cut) t.trail.shift();
      this.tracks.set(t.id, t);
      for (const n of t.nations) this.nations.add(n);
      seen?.add(t.id);
    }
    if (seen) for (const id of this.tracks.keys()) if (!seen.has(id)) this.tracks.delete(id);
    for (const id of msg.deleted ?? []) this.tracks.delete(id);
    this.version++;
  }

  clear() {
    this.tracks.clear();
    this.nations.clear();
    this.version++;
  }

  isStale(t, now = this.now()) {
    return t.status === 'coasting' || (t.updated > 0 && now - t.updated > (STALE_S[t.domain] ?? 60) * 1000);
  }

  matches(t) {
    const f = this.filter;
    if (f.domain && t.domain !== f.domain) return false;
    if (f.status && t.status !== f.status) return false;
    if (f.nation && !t.nations.includes(f.nation)) return false;
    const kn = (t.speed ?? 0) * KN_PER_MPS;
    if (f.minKn != null && kn < f.minKn) return false;
    if (f.maxKn != null && kn > f.maxKn) return false;
    if (f.q) {
      // "#142" is track 142 exactly; anything else matches within names and numbers.
      const id = /^#(\d+)$/.exec(f.q);
      if (id ? t.id !== Number(id[1]) : !t.search.includes(f.q)) return false;
    }
    return true;
  }

  filtered() {
    const out = [];
    for (const t of this.tracks.values()) if (this.matches(t)) out.push(t);
    return out;
  }
}
