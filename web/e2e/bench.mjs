// Frame time with 5,000 live tracks: serves the built page (bench-dist) with a mock API
// whose stream moves all 5,000 tracks every second, then records requestAnimationFrame
// deltas in headless Chromium while the map sits, pans and zooms.
//
//   npm run bench            (BENCH_TRACKS=5000 BENCH_SECONDS=15 by default)

import path from 'node:path';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { CHROMIUM, launch } from './browser.mjs';
import { startServer } from './server.mjs';

const N = Number(process.env.BENCH_TRACKS || 5000);
const SECONDS = Number(process.env.BENCH_SECONDS || 15);
const dist = path.join(import.meta.dirname, '..', 'bench-dist');

const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const summary = (xs) => ({
  n: xs.length,
  p50: +pct(xs, 50).toFixed(1),
  p95: +pct(xs, 95).toFixed(1),
  p99: +pct(xs, 99).toFixed(1),
  max: +Math.max(...xs).toFixed(1),
});

// rAF deltas in the page for `seconds` while `drive` works the map from outside with
// the mouse, as a watch stander would (drag to pan, wheel to zoom).
async function measure(page, seconds, drive) {
  const recording = page.evaluate(
    (seconds) =>
      new Promise((resolve) => {
        const deltas = [];
        // Main-thread tasks over 50 ms: what a user feels as a stutter.
        const long = [];
        const obs = new PerformanceObserver((l) => long.push(...l.getEntries().map((e) => e.duration)));
        obs.observe({ type: 'longtask' });
        const draws0 = window.__cop.perf.drawMs.length;
        const applies0 = window.__cop.perf.applyMs.length;
        const ticks0 = window.__cop.perf.tickMs.length;
        const parses0 = window.__cop.perf.parseMs.length;
        let last = performance.now();
        const end = last + seconds * 1000;
        const frame = (now) => {
          deltas.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(frame);
          else {
            obs.disconnect();
            resolve({
              deltas,
              long,
              draws: window.__cop.perf.drawMs.slice(draws0),
              applies: window.__cop.perf.applyMs.slice(applies0),
              ticks: window.__cop.perf.tickMs.slice(ticks0),
              parses: window.__cop.perf.parseMs.slice(parses0),
              stats: window.__cop.stats(),
            });
          }
        };
        requestAnimationFrame(frame);
      }),
    seconds,
  );
  const end = Date.now() + seconds * 1000 - 300;
  if (drive) await drive(end);
  return recording;
}

async function drag(page, end) {
  const box = await page.locator('[data-testid=map]').boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  for (let dir = 1; Date.now() < end; dir = -dir) {
    await page.mouse.move(cx - dir * 150, cy - dir * 80);
    await page.mouse.down();
    await page.mouse.move(cx + dir * 150, cy + dir * 80, { steps: 30 });
    await page.mouse.up();
  }
}

async function wheel(page, end) {
  const box = await page.locator('[data-testid=map]').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let dir = -1; Date.now() < end; dir = -dir) {
    await page.mouse.wheel(0, dir * 240);
    await page.waitForTimeout(600);
  }
}

const server = await startServer({ dist, mock: N });
const browser = await launch();
try {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${server.port}/`);
  await page.fill('[data-testid=token]', 'demo-hnd-viewer'); // the mock shows HND every track
  await page.click('[data-testid=login-submit]');
  await page.waitForFunction((n) => window.__cop.stats().tracks >= n, N, { timeout: 30_000 });
  await page.waitForTimeout(3000); // a few updates: trails start, caches warm
  const results = {};
  const drives = { idle: null, pan: (end) => drag(page, end), zoom: (end) => wheel(page, end) };
  for (const [mode, drive] of Object.entries(drives)) {
    const r = await measure(page, SECONDS, drive);
    results[mode] = { frame_ms: summary(r.deltas.slice(1)), long_tasks: { count: r.long.length, total_ms: Math.round(r.long.reduce((a, b) => a + b, 0)) }, draw_ms: summary(r.draws), apply_ms: summary(r.applies), parse_ms: summary(r.parses), tick_ms: summary(r.ticks), stats: r.stats };
  }
  const version = execFileSync(CHROMIUM, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(JSON.stringify({ tracks: N, seconds_per_mode: SECONDS, chromium: version, load_average: load, updates: '1 Hz, every track', results }, null, 2));
  console.log('\nframe time (requestAnimationFrame deltas), ms:');
  for (const [mode, r] of Object.entries(results)) {
    console.log(
      `  ${mode.padEnd(5)} p50 ${r.frame_ms.p50}  p99 ${r.frame_ms.p99}  max ${r.frame_ms.max}  (${r.frame_ms.n} frames; overlay draw p50 ${r.draw_ms.p50} p99 ${r.draw_ms.p99}; message parse p50 ${r.parse_ms.p50}, apply p50 ${r.apply_ms.p50} p99 ${r.apply_ms.p99}; list tick p50 ${r.tick_ms.p50}; ${r.stats.drawn} tracks drawn; ${r.long_tasks.count} tasks over 50 ms)`,
    );
  }
  if (errors.length) throw new Error(`page errors: ${errors.slice(0, 5).join("; ")}`);
} finally {
  await browser.close();
  server.close();
}
