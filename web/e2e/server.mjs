// A small HTTP server for the built page: serves a dist folder and either proxies /api
// to a running `cuenca serve` (`--upstream URL`) or answers it with synthetic tracks
// (`--mock N`, for the frame-time bench). Only for development and measurements.
//
//   node e2e/server.mjs --dist dist --port 5180 --upstream http://127.0.0.1:8080
//   node e2e/server.mjs --dist bench-dist --port 5180 --mock 5000

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };

// Deterministic pseudo-random numbers so every bench run sees the same picture.
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

export class MockPicture {
  constructor(n, seed = 7) {
    const r = rng(seed);
    this.tracks = [];
    for (let i = 0; i < n; i++) {
      const air = r() < 0.2;
      this.tracks.push({
        id: i + 1,
        lon: -98 + r() * 41,
        lat: 6 + r() * 25,
        domain: air ? 'air' : 'sea',
        speed: air ? 120 + r() * 130 : 2 + r() * 10,
        course: r() * 360,
        alt: air ? 3000 + r() * 9000 : undefined,
        identity: r() < 0.7 ? (air ? { icao24: (0xa00000 + i).toString(16), callsign: `TST${i}` } : { mmsi: 300000000 + i, name: `VESSEL ${i}` }) : {},
        status: r() < 0.1 ? 'tentative' : 'confirmed',
        owner: null,
      });
      // No other sensor covers the waters off Guanaja (as in the default config)...
      const t = this.tracks[i];
      if (Math.abs(t.lat - 16.45) < 1.5 && Math.abs(t.lon + 85.9) < 1.5) t.lat += 4;
      // ...where every 50th track is seen only by HND's owner-only radar.
      if (i % 50 === 0) Object.assign(this.tracks[i], { owner: 'HND', domain: 'unknown', identity: {}, lon: -85.9 + r() - 0.5, lat: 16.45 + r() - 0.5, speed: 5, alt: undefined });
    }
    this.time = Date.now();
  }

  step(now = Date.now()) {
    const dt = (now - this.time) / 1000;
    this.time = now;
    for (const t of this.tracks) {
      const d = t.speed * dt;
      t.lat += (d * Math.cos((t.course * Math.PI) / 180)) / 111320;
      t.lon += (d * Math.sin((t.course * Math.PI) / 180)) / (111320 * Math.cos((t.lat * Math.PI) / 180));
      t.course = (t.course + (Math.random() - 0.5) * 2 + 360) % 360;
      if (t.lat < 5 || t.lat > 32 || t.lon < -100 || t.lon > -55) t.course = (t.course + 180) % 360;
    }
  }

  features(nation = null) {
    const updated = new Date(this.time).toISOString();
    return this.tracks.filter((t) => !t.owner || t.owner === nation).map((t) => ({
      type: 'Feature',
      id: t.id,
      geometry: { type: 'Point', coordinates: [t.lon, t.lat] },
      properties: {
        status: t.status,
        domain: t.domain,
        speed_mps: t.speed,
        course_deg: t.course,
        identity: t.identity,
        sensors: t.owner ? ['hnd-radar-guanaja'] : [t.domain === 'air' ? 'mock-adsb' : 'mock-ais'],
        nations: [t.owner ?? 'MEX'],
        updated,
        ...(t.alt !== undefined ? { altitude_m: t.alt } : {}),
      },
    }));
  }
}

export function startServer({ dist, port = 0, upstream = null, mock = 0 }) {
  const picture = mock ? new MockPicture(mock) : null;
  const streams = new Map(); // response -> viewing nation
  let timer = null;
  if (picture) {
    timer = setInterval(() => {
      picture.step();
      const msgs = {};
      for (const [res, nation] of streams) {
        msgs[nation] ??= JSON.stringify({ time: new Date().toISOString(), full: false, updated: picture.features(nation), deleted: [] });
        res.write(`event: tracks\ndata: ${msgs[nation]}\n\n`);
      }
    }, 1000);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname.startsWith('/api/') || url.pathname === '/healthz') {
      if (upstream) return proxy(req, res, upstream);
      if (picture) return mockApi(url, req, res, picture, streams);
      res.writeHead(404).end();
      return;
    }
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = path.resolve(dist, rel);
    if (!file.startsWith(path.resolve(dist))) return res.writeHead(403).end();
    fs.readFile(file, (err, body) => {
      if (err) return res.writeHead(404).end('not found');
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({
        port: server.address().port,
        close: () => {
          clearInterval(timer);
          for (const s of streams.keys()) s.end();
          server.closeAllConnections?.();
          server.close();
        },
      }),
    ),
  );
}

function proxy(req, res, upstream) {
  const u = new URL(req.url, upstream);
  const p = http.request(u, { method: req.method, headers: { ...req.headers, host: u.host } }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  p.on('error', (e) => res.writeHead(502).end(String(e)));
  req.pipe(p);
}

function mockApi(url, req, res, picture, streams) {
  const json = (code, body) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const auth = req.headers.authorization?.replace(/^Bearer /, '') ?? url.searchParams.get('access_token');
  if (url.pathname === '/healthz') return res.writeHead(200).end('ok');
  // The default config's demo tokens: demo-<nation>-<role>.
  const m = /^demo-([a-z]{3})-(viewer|operator|admin)$/.exec(auth ?? '');
  if (!m) return json(401, { error: 'missing or unknown token' });
  const nation = m[1].toUpperCase();
  const one = /^\/api\/v1\/tracks\/(\d+)$/.exec(url.pathname);
  if (one) {
    const f = picture.features(nation).find((f) => f.id === Number(one[1]));
    return f ? json(200, f) : json(404, { error: 'no such track' });
  }
  switch (url.pathname) {
    case '/api/v1/me':
      return json(200, { nation, role: m[2], label: 'mock' });
    case '/api/v1/tracks':
      return json(200, { type: 'FeatureCollection', timeStamp: new Date().toISOString(), features: picture.features(nation) });
    case '/api/v1/sensors':
      return json(200, { sensors: [{ id: 'mock-ais', nation: 'MEX', kind: 'ais', release: 'all_members', last_seen: new Date().toISOString(), batches: 1, measurements: picture.tracks.length, errors: 0 }] });
    case '/api/v1/stream': {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      const msg = JSON.stringify({ time: new Date().toISOString(), full: true, updated: picture.features(nation), deleted: [] });
      res.write(`event: tracks\ndata: ${msg}\n\n`);
      streams.set(res, nation);
      req.on('close', () => streams.delete(res));
      return;
    }
    default:
      return json(404, { error: 'not found' });
  }
}

// Run directly: a dev server.
if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, def) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : def;
  };
  const s = await startServer({ dist: arg('dist', 'dist'), port: Number(arg('port', 5180)), upstream: arg('upstream', null), mock: Number(arg('mock', 0)) });
  console.log(`http://127.0.0.1:${s.port}/`);
}
