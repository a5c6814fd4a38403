// The watch-center COP: login, map, live tracks, track list, detail and sensor panels.

import 'leaflet/dist/leaflet.css';
import './style.css';
import L from 'leaflet';
import basemap from 'virtual:basemap';
import { ApiError, Feed, getJson, token, whoAmI } from './api.js';
import { Store } from './store.js';
import { TrackOverlay } from './overlay.js';
import { age, courseTrue, escapeHtml, feet, flightLevel, knots, latLon } from './units.js';

// The configured region of the default deployment (config/cuenca.toml [region]).
const REGION = L.latLngBounds([5, -100], [32, -55]);
const LIST_MAX_ROWS = 200;

const $ = (id) => document.getElementById(id);
const store = new Store();

// ---------------------------------------------------------------- map

const map = L.map('map', {
  preferCanvas: true,
  // The overlay canvas redraws on every zoom step; an animated zoom would show the
  // basemap and the tracks out of step for a quarter second.
  zoomAnimation: false,
  // Quarter steps so the whole basin fills the map at any window size.
  zoomSnap: 0.25,
  zoomDelta: 0.5,
  minZoom: 3,
  maxZoom: 14,
  maxBounds: L.latLngBounds([-15, -120], [45, -35]),
  maxBoundsViscosity: 0.8,
  worldCopyJump: false,
  attributionControl: true,
});
map.attributionControl.setPrefix(false);
map.attributionControl.addAttribution('Basemap: Natural Earth');
const renderer = L.canvas({ padding: 0.5 });
L.geoJSON(basemap.land, {
  renderer,
  interactive: false,
  style: { stroke: true, color: '#5b6b80', weight: 0.8, fillColor: '#26303b', fillOpacity: 1 },
}).addTo(map);
L.geoJSON(basemap.borders, {
  renderer,
  interactive: false,
  style: { color: '#7a8aa0', weight: 0.7, dashArray: '4 3', opacity: 0.8 },
}).addTo(map);
map.fitBounds(REGION);
L.control.scale({ imperial: false, metric: true, position: 'bottomright' }).addTo(map);

// The side panels open and close: Leaflet must learn the map's new size.
new ResizeObserver(() => map.invalidateSize({ pan: false })).observe(document.getElementById('map'));

const overlay = new TrackOverlay(store, { names: basemap.names, trailSeconds: 300, vectorMinutes: 6 });
overlay.addTo(map);

let ringsArmed = false;
map.on('click', (e) => {
  if (ringsArmed) {
    overlay.rings = { lat: e.latlng.lat, lon: e.latlng.lng, nm: ringSpacing(), count: 5 };
    ringsArmed = false;
    $('rings-btn').classList.remove('armed');
    map.getContainer().classList.remove('crosshair');
    overlay.redraw();
    return;
  }
  const id = overlay.hit(e.containerPoint.x, e.containerPoint.y);
  select(id);
});

// Pointer cursor over tracks.
map.on('mousemove', (e) => {
  const over = overlay.hit(e.containerPoint.x, e.containerPoint.y) != null;
  map.getContainer().classList.toggle('over-track', over);
});

function ringSpacing() {
  const v = Number($('rings-nm').value);
  return v > 0 && v <= 500 ? v : 25;
}
$('rings-btn').addEventListener('click', () => {
  if (overlay.rings && !ringsArmed) {
    overlay.rings = null; // second press clears
    overlay.redraw();
    return;
  }
  ringsArmed = !ringsArmed;
  $('rings-btn').classList.toggle('armed', ringsArmed);
  map.getContainer().classList.toggle('crosshair', ringsArmed);
});
$('rings-nm').addEventListener('change', () => {
  if (overlay.rings) overlay.rings.nm = ringSpacing();
  overlay.redraw();
});
$('trail').addEventListener('change', (e) => {
  overlay.trailSeconds = Number(e.target.value);
  overlay.redraw();
});
$('vector').addEventListener('change', (e) => {
  overlay.vectorMinutes = Number(e.target.value);
  overlay.redraw();
});

// ---------------------------------------------------------------- filters and list

let visibleVersion = -1;
let filterVersion = 0;
let visibleFilterVersion = -1;

function refreshVisible() {
  if (visibleVersion === store.version && visibleFilterVersion === filterVersion) return false;
  overlay.visible = store.filtered();
  visibleVersion = store.version;
  visibleFilterVersion = filterVersion;
  return true;
}

function readFilters() {
  const num = (id) => {
    const v = $(id).value.trim();
    return v === '' || !Number.isFinite(Number(v)) ? null : Number(v);
  };
  store.filter = {
    q: $('q').value.trim().toLowerCase(),
    domain: $('f-domain').value,
    status: $('f-status').value,
    nation: $('f-nation').value,
    minKn: num('f-min'),
    maxKn: num('f-max'),
  };
  filterVersion++;
  refreshVisible();
  renderList();
  overlay.redraw();
}
for (const id of ['q', 'f-domain', 'f-status', 'f-nation', 'f-min', 'f-max']) $(id).addEventListener('input', readFilters);
$('sort').addEventListener('change', renderList);

function syncNationOptions() {
  const sel = $('f-nation');
  const have = new Set([...sel.options].map((o) => o.value));
  for (const n of [...store.nations].sort()) {
    if (have.has(n)) continue;
    const o = document.createElement('option');
    o.value = n;
    o.textContent = n;
    sel.append(o);
  }
}

const SORTS = {
  // Named tracks first, then anonymous ones by id.
  // (Plain comparison: localeCompare costs ~50 ms a second at 5,000 tracks.)
  label: (a, b) => b.identified - a.identified || (a.identified ? (a.label < b.label ? -1 : a.label > b.label ? 1 : 0) : a.id - b.id),
  id: (a, b) => a.id - b.id,
  speed: (a, b) => (b.speed ?? 0) - (a.speed ?? 0),
  age: (a, b) => b.updated - a.updated,
};

let listedCount = 0;
function renderList() {
  const rows = overlay.visible.slice().sort(SORTS[$('sort').value] ?? SORTS.label);
  const now = store.now();
  const shown = rows.slice(0, LIST_MAX_ROWS);
  listedCount = rows.length;
  $('list-info').textContent =
    rows.length > shown.length ? `${rows.length} tracks match; first ${shown.length} listed: refine the search` : `${rows.length} tracks match`;
  // Rows are rebuilt every second: keep the keyboard focus on the same track.
  const focused = document.activeElement?.closest?.('#list li[data-id]')?.dataset.id;
  $('list').innerHTML = shown
    .map((t) => {
      const stale = store.isStale(t, now);
      const cls = ['trk', t.domain, t.status, stale ? 'stale' : '', t.id === overlay.selected ? 'sel' : ''].join(' ');
      const kin = t.domain === 'air' && t.alt != null ? flightLevel(t.alt) : '';
      return `<li class="${cls}" data-id="${t.id}" data-testid="track-row" tabindex="0">
        <span class="dom">${t.domain === 'sea' ? '●' : t.domain === 'air' ? '▲' : '■'}</span>
        <span class="lbl">${escapeHtml(t.label)}</span>
        <span class="kin">${courseTrue(t.course)} ${knots(t.speed)} ${kin}</span>
        <span class="nat">${escapeHtml(t.nations.join(' '))}</span>
        <span class="age">${age((now - t.updated) / 1000)}</span>
      </li>`;
    })
    .join('');
  if (focused) $('list').querySelector(`li[data-id="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
}

function onRowChosen(e) {
  const li = e.target.closest('li[data-id]');
  if (!li) return;
  const id = Number(li.dataset.id);
  select(id);
  const t = store.tracks.get(id);
  if (t) map.panTo([t.lat, t.lon]);
}
$('list').addEventListener('click', onRowChosen);
$('list').addEventListener('keydown', (e) => {
  if (e.key === 'Enter') onRowChosen(e);
});

// ---------------------------------------------------------------- detail

let historyFor = null;
function select(id) {
  overlay.selected = id ?? null;
  overlay.selectedHistory = null;
  $('detail').hidden = id == null;
  renderDetail();
  renderList();
  overlay.redraw();
  if (id != null && historyFor !== id) {
    historyFor = id;
    // The server's history is longer than what this page has seen; optional.
    getJson(`api/v1/tracks/${encodeURIComponent(id)}/history`)
      .then((h) => {
        if (overlay.selected === id && Array.isArray(h.points)) {
          overlay.selectedHistory = h.points.filter((p) => Number.isFinite(p.lon) && Number.isFinite(p.lat)).map((p) => [p.lon, p.lat]);
          overlay.redraw();
        }
      })
      .catch(() => {});
  }
  if (id == null) historyFor = null;
}
$('detail-close').addEventListener('click', () => select(null));
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !$('login').open && e.target === document.body) select(null);
});

function renderDetail() {
  const id = overlay.selected;
  if (id == null) return;
  const t = store.tracks.get(id);
  const body = $('detail-body');
  if (!t) {
    body.innerHTML = `<h2>#${escapeHtml(id)}</h2><p class="muted">This track is no longer in the picture.</p>`;
    return;
  }
  const i = t.identity;
  const now = store.now();
  const rows = [
    ['Track', `#${t.id}`],
    ['Status', t.status + (store.isStale(t, now) ? ' (stale)' : '')],
    ['Domain', t.domain],
    ['Name', i.name],
    ['Callsign', i.callsign],
    ['MMSI', i.mmsi],
    ['IMO', i.imo],
    ['ICAO', i.icao24 ?? i.icao],
    ['Squawk', i.squawk],
    ['Ship type', i.ship_type],
    ['Aircraft type', i.aircraft_type],
    ['Position', latLon(t.lat, t.lon)],
    ['Course', courseTrue(t.course)],
    ['Speed', knots(t.speed)],
    ['Altitude', t.alt != null ? `${feet(t.alt)} (${flightLevel(t.alt)})` : null],
    ['Accuracy', t.accuracy != null ? `± ${Math.round(t.accuracy)} m` : null],
    ['Sensors', t.sensors.join(', ')],
    ['Nations', t.nations.join(', ')],
    ['Last update', `${age((now - t.updated) / 1000)} ago`],
  ].filter(([, v]) => v != null && v !== '');
  body.innerHTML =
    `<h2 data-testid="detail-title">${escapeHtml(t.label)}</h2><dl>` +
    rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd data-field="${escapeHtml(k)}">${escapeHtml(v)}</dd>`).join('') +
    '</dl>';
}

// ---------------------------------------------------------------- sensors

async function refreshSensors() {
  try {
    const { sensors = [] } = await getJson('api/v1/sensors');
    const now = store.now();
    $('tab-sensors').querySelector('tbody').innerHTML = sensors
      .map((s) => {
        const seen = Date.parse(s.last_seen);
        const ageS = Number.isFinite(seen) ? (now - seen) / 1000 : null;
        const state = ageS == null ? 'never' : ageS > 60 ? 'late' : 'ok';
        // "all_members", "owner_only", or { nations: [...] } (older servers: a list).
        const r = s.release;
        const release = Array.isArray(r) ? r.join(' ') : Array.isArray(r?.nations) ? `to ${r.nations.join(' ')}` : String(r ?? '');
        return `<tr class="${state}" data-testid="sensor-row">
          <td>${escapeHtml(s.id)}</td><td>${escapeHtml(s.nation)}</td><td>${escapeHtml(s.kind)}</td>
          <td>${escapeHtml(release.replaceAll('_', ' '))}</td>
          <td>${ageS == null ? 'never' : age(ageS) + ' ago'}</td>
          <td>${escapeHtml(s.measurements ?? 0)}</td><td>${escapeHtml(s.errors ?? 0)}</td></tr>`;
      })
      .join('');
    $('sensors-info').textContent = `${sensors.length} sensors · updated ${new Date().toISOString().slice(11, 19)}Z`;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return authLost(e);
    $('sensors-info').textContent = `sensors unavailable: ${e.message}`;
  }
}

for (const b of document.querySelectorAll('.tabs button')) {
  b.addEventListener('click', () => {
    for (const o of document.querySelectorAll('.tabs button')) o.classList.toggle('active', o === b);
    for (const s of document.querySelectorAll('.tab')) s.hidden = s.id !== `tab-${b.dataset.tab}`;
    if (b.dataset.tab === 'sensors') refreshSensors();
  });
}

// ---------------------------------------------------------------- session

let feed = null;
let timers = [];
let connection = 'offline';

function setConnection(state) {
  connection = state;
  const el = $('conn');
  el.textContent = state;
  el.className = `conn ${state}`;
}

// Recent timings for the bench (npm run bench); bounded so they cost nothing to keep.
const perf = { applyMs: [], drawMs: [], tickMs: [], parseMs: [] };
const keep = (arr, v) => {
  arr.push(v);
  if (arr.length > 2000) arr.shift();
};
overlay.onDraw = (ms) => keep(perf.drawMs, ms);

let listDue = true;
function onMessage(msg) {
  const t0 = performance.now();
  store.apply(msg);
  refreshVisible();
  syncNationOptions();
  overlay.update();
  listDue = true;
  keep(perf.applyMs, performance.now() - t0);
}

function tick() {
  const t0 = performance.now();
  tickInner();
  keep(perf.tickMs, performance.now() - t0);
}

function tickInner() {
  // Once a second: list, detail, counters and sensor ages move on even without data.
  if (listDue || visibleFilterVersion !== filterVersion) {
    refreshVisible();
    renderList();
    listDue = false;
  }
  renderDetail();
  $('count').textContent = `${store.tracks.size} tracks`;
  $('clock').textContent = `${new Date(store.now()).toISOString().slice(11, 19)}Z`;
  overlay.redrawIfOlder(900); // staleness changes with time, if no message redrew
}

async function login(tok) {
  const who = await whoAmI(tok); // throws ApiError on 401/403
  token.set(tok);
  $('who').textContent = who ? `${who.nation} · ${who.role}${who.label ? ' · ' + who.label : ''}` : 'logged in';
  $('who').dataset.nation = who?.nation ?? '';
  $('login').close();
  store.clear();
  select(null);
  feed = new Feed({ onMessage, onState: setConnection, onAuthError: authLost });
  feed.onParsed = (ms) => keep(perf.parseMs, ms);
  feed.start();
  timers = [setInterval(tick, 1000), setInterval(refreshSensors, 5000)];
  refreshSensors();
}

function logout(message = '') {
  feed?.stop();
  feed = null;
  for (const t of timers) clearInterval(t);
  timers = [];
  token.clear();
  store.clear();
  refreshVisible();
  renderList();
  select(null);
  setConnection('offline');
  $('who').textContent = '';
  $('count').textContent = '';
  $('login-error').textContent = message;
  $('token').value = '';
  if (!$('login').open) $('login').showModal();
}

function authLost(e) {
  logout(e.status === 403 ? 'Your role may not see this.' : 'Your token was refused; log in again.');
}

$('logout').addEventListener('click', () => logout());
$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const tok = $('token').value.trim();
  if (!tok) return;
  $('login-error').textContent = '';
  try {
    await login(tok);
  } catch (err) {
    $('login-error').textContent =
      err instanceof ApiError && err.status === 401 ? 'Token refused.' : err instanceof ApiError && err.status === 403 ? 'This token may not use the COP.' : `Cannot reach the server: ${err.message}`;
  }
});
// Escape must not close the login dialog and leave an empty map.
$('login').addEventListener('cancel', (e) => e.preventDefault());

const saved = token.get();
if (saved) login(saved).catch(() => logout('Your session ended; log in again.'));
else $('login').showModal();

// ---------------------------------------------------------------- test and bench hooks

window.__cop = {
  map,
  store,
  overlay,
  stats: () => ({
    tracks: store.tracks.size,
    matching: overlay.visible.length,
    drawn: overlay.drawn,
    listed: listedCount,
    rows: $('list').children.length,
    connection,
    lastDrawMs: overlay.lastDrawMs,
  }),
  ids: () => [...store.tracks.keys()],
  track: (id) => store.tracks.get(id) ?? null,
  select,
  perf,
};
