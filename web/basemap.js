// Build-time basemap: Natural Earth 1:10m land and borders (npm world-atlas), clipped to
// the Caribbean Basin and rounded, so the page ships ~1 MB instead of the whole world
// and needs no tile server or internet at run time.
import { createRequire } from 'node:module';
import { feature, mesh } from 'topojson-client';

const require = createRequire(import.meta.url);

// Wider than the configured region so panning to its edges shows no cut coastline.
export const CLIP = { west: -125, south: -20, east: -30, north: 50 };

const round = (v) => Math.round(v * 1000) / 1000; // ~100 m: finer than 1:10m data

// Sutherland–Hodgman against one edge of the clip box.
function clipEdge(ring, inside, cross) {
  const out = [];
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    const ia = inside(a);
    const ib = inside(b);
    if (ia) out.push(a);
    if (ia !== ib) out.push(cross(a, b));
  }
  return out;
}

function clipRing(ring, box) {
  const lerpLon = (a, b, lon) => [lon, a[1] + ((b[1] - a[1]) * (lon - a[0])) / (b[0] - a[0])];
  const lerpLat = (a, b, lat) => [a[0] + ((b[0] - a[0]) * (lat - a[1])) / (b[1] - a[1]), lat];
  let r = ring.slice(0, -1); // GeoJSON rings repeat the first point
  r = clipEdge(r, (p) => p[0] >= box.west, (a, b) => lerpLon(a, b, box.west));
  r = clipEdge(r, (p) => p[0] <= box.east, (a, b) => lerpLon(a, b, box.east));
  r = clipEdge(r, (p) => p[1] >= box.south, (a, b) => lerpLat(a, b, box.south));
  r = clipEdge(r, (p) => p[1] <= box.north, (a, b) => lerpLat(a, b, box.north));
  if (r.length < 3) return null;
  const rounded = r.map((p) => [round(p[0]), round(p[1])]);
  rounded.push(rounded[0]);
  return rounded;
}

function clipPolygons(geometry, box) {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const out = [];
  for (const poly of polys) {
    const rings = poly.map((r) => clipRing(r, box)).filter(Boolean);
    if (rings.length && rings[0]) out.push(rings);
  }
  return out;
}

// Lines are cut where they leave the box (segments with an end outside are dropped:
// the box is wider than anything a user can pan to).
function clipLines(geometry, box) {
  const inside = (p) => p[0] >= box.west && p[0] <= box.east && p[1] >= box.south && p[1] <= box.north;
  const lines = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.coordinates;
  const out = [];
  for (const line of lines) {
    let cur = [];
    for (const p of line) {
      if (inside(p)) cur.push([round(p[0]), round(p[1])]);
      else {
        if (cur.length > 1) out.push(cur);
        cur = [];
      }
    }
    if (cur.length > 1) out.push(cur);
  }
  return out;
}

export function basemap() {
  const topo = require('world-atlas/countries-10m.json');
  const land = feature(topo, topo.objects.land);
  const landPolys = [];
  for (const f of land.features ?? [land]) landPolys.push(...clipPolygons(f.geometry, CLIP));
  const borders = mesh(topo, topo.objects.countries, (a, b) => a !== b);
  // Country names at a label point: the centre of the largest clipped polygon's box.
  const names = [];
  for (const f of feature(topo, topo.objects.countries).features) {
    if (!f.geometry) continue;
    let best = null;
    for (const poly of clipPolygons(f.geometry, CLIP)) {
      const xs = poly[0].map((p) => p[0]);
      const ys = poly[0].map((p) => p[1]);
      const area = (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys));
      if (!best || area > best.area) {
        best = { area, lon: (Math.max(...xs) + Math.min(...xs)) / 2, lat: (Math.max(...ys) + Math.min(...ys)) / 2 };
      }
    }
    if (best) names.push({ name: f.properties.name, lon: round(best.lon), lat: round(best.lat), area: round(best.area) });
  }
  return {
    land: { type: 'MultiPolygon', coordinates: landPolys },
    borders: { type: 'MultiLineString', coordinates: clipLines(borders, CLIP) },
    names,
  };
}

// Vite plugin: `import basemap from 'virtual:basemap'`.
export function basemapPlugin() {
  const id = 'virtual:basemap';
  return {
    name: 'cuenca-basemap',
    resolveId: (source) => (source === id ? '\0' + id : null),
    load: (resolved) => (resolved === '\0' + id ? `export default ${JSON.stringify(basemap())};` : null),
  };
}
