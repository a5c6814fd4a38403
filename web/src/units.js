// The units watch standers use: knots, degrees true, feet / flight level.

export const KN_PER_MPS = 3600 / 1852;
export const FT_PER_M = 1 / 0.3048;
export const M_PER_NM = 1852;

export const knots = (mps) => (mps == null ? '—' : `${(mps * KN_PER_MPS).toFixed(1)} kn`);
export const courseTrue = (deg) => (deg == null ? '—' : `${String(((Math.round(deg) % 360) + 360) % 360).padStart(3, '0')}°T`);
export const feet = (m) => (m == null ? '—' : `${Math.round(m * FT_PER_M).toLocaleString('en-US')} ft`);
export const flightLevel = (m) => (m == null ? '' : `FL${String(Math.max(0, Math.round((m * FT_PER_M) / 100))).padStart(3, '0')}`);

function dm(v, pos, neg, width) {
  const h = v < 0 ? neg : pos;
  const a = Math.abs(v);
  let d = Math.floor(a);
  let m = (a - d) * 60;
  if (m >= 59.995) {
    d += 1;
    m = 0;
  }
  return `${String(d).padStart(width, '0')}°${m.toFixed(2).padStart(5, '0')}′${h}`;
}
export const latLon = (lat, lon) => `${dm(lat, 'N', 'S', 2)} ${dm(lon, 'E', 'W', 3)}`;

export function age(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
