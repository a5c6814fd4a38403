// End-to-end test of the web COP in headless Chromium against a running `cuenca serve`
// (tests/web.rs starts the server and runs this). Exits non-zero on the first failure.
//
//   CUENCA_URL=http://127.0.0.1:8080/ node e2e/cop.mjs
//
// CUENCA_E2E_OUT: folder for screenshots (default e2e/out). The tokens and the owner-only
// sensor are those of the default configuration; CUENCA_E2E_* variables override them.

import fs from 'node:fs';
import path from 'node:path';
import { launch } from './browser.mjs';

const BASE = process.env.CUENCA_URL || 'http://127.0.0.1:8080/';
const OUT = process.env.CUENCA_E2E_OUT || path.join(import.meta.dirname, 'out');
const OWNER = { token: process.env.CUENCA_E2E_OWNER_TOKEN || 'demo-hnd-viewer', nation: 'HND' };
const OTHER = { token: process.env.CUENCA_E2E_OTHER_TOKEN || 'demo-mex-viewer', nation: 'MEX' };
const OWNER_ONLY_SENSOR = process.env.CUENCA_E2E_OWNER_ONLY_SENSOR || 'hnd-radar-guanaja';
const WAIT_S = Number(process.env.CUENCA_E2E_WAIT_S || 150);

const t0 = Date.now();
const log = (...a) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
  log('ok:', what);
}

async function api(pathname, tok) {
  const r = await fetch(new URL(pathname, BASE), { headers: { Authorization: `Bearer ${tok}` } });
  return { status: r.status, body: r.ok ? await r.json() : null };
}

// Polls `fn` in the page until it returns a truthy value.
async function until(page, fn, arg, what, seconds = WAIT_S) {
  const h = await page.waitForFunction(fn, arg, { timeout: seconds * 1000, polling: 100 }).catch(() => null);
  if (!h) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
  log('ok:', what);
  return h.jsonValue();
}

// The page's track count against the API's, tried for up to 10 s.
async function sameCount(page, tok) {
  let last = '';
  for (let i = 0; i < 10; i++) {
    await page.waitForTimeout(1000);
    const stats = await page.evaluate(() => window.__cop.stats());
    const r = await api('api/v1/tracks', tok);
    if (r.status !== 200) throw new Error(`GET /api/v1/tracks answered ${r.status}`);
    const n = r.body.numberMatched ?? r.body.features.length;
    last = `page ${JSON.stringify(stats)}, api ${n}`;
    if (Math.abs(stats.tracks - n) <= Math.max(2, n * 0.03)) {
      log('ok: the page holds the API\'s tracks:', last);
      return { stats, n };
    }
  }
  throw new Error(`the page's tracks differ from the API's: ${last}`);
}

async function login(page, tok) {
  await page.goto(BASE);
  await page.locator('[data-testid=login]').waitFor({ state: 'visible' });
  await page.fill('[data-testid=token]', tok);
  await page.click('[data-testid=login-submit]');
  await page.locator('[data-testid=login]').waitFor({ state: 'hidden', timeout: 10_000 });
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const browser = await launch();
  const offHost = [];
  const errors = [];
  try {
    const page = await browser.context.newPage();
    page.on('request', (r) => {
      if (!r.url().startsWith(new URL(BASE).origin) && !r.url().startsWith('data:')) offHost.push(r.url());
    });
    page.on('pageerror', (e) => errors.push(e.message));

    // A wrong token is refused and the page shows nothing.
    await page.goto(BASE);
    await page.locator('[data-testid=login]').waitFor({ state: 'visible' });
    check((await page.title()) === 'Cuenca COP', 'the server serves the page at /');
    await page.fill('[data-testid=token]', 'not-a-token');
    await page.click('[data-testid=login-submit]');
    await page.waitForFunction(() => document.querySelector('[data-testid=login-error]').textContent.length > 0, null, { timeout: 10_000 });
    check(/refused/i.test(await page.textContent('[data-testid=login-error]')), 'a wrong token is refused');

    // The owner logs in and sees tracks, its owner-only radar's among them.
    await login(page, OWNER.token);
    check((await page.textContent('[data-testid=who]')).includes(OWNER.nation), `logged in as ${OWNER.nation}`);
    check((await page.evaluate(() => sessionStorage.getItem('cuenca.token'))) === OWNER.token, 'the token is kept in sessionStorage');
    await until(page, () => window.__cop.stats().tracks > 0, null, 'tracks arrive');
    // (Runs in the page: tracks whose only contributor is the owner-only sensor.)
    const mine = await until(
      page,
      (sensor) => {
        const ids = window.__cop
          .ids()
          .map((id) => window.__cop.track(id))
          .filter((t) => t.sensors.length > 0 && t.sensors.every((s) => s === sensor))
          .map((t) => t.id);
        return ids.length ? ids : null;
      },
      OWNER_ONLY_SENSOR,
      `a track seen only by ${OWNER_ONLY_SENSOR}`,
    );

    // The same number of tracks in the store, on the map and in the list as the API gives
    // (the page may be a message behind while the picture grows: a few tries).
    await sameCount(page, OWNER.token);
    // Store, map and list at one moment when they agree (the list is rebuilt once a
    // second, the map on every message: on a new server the picture grows fast).
    const stats = await until(
      page,
      () => {
        const s = window.__cop.stats();
        const b = window.__cop.map.getBounds();
        s.inBounds = window.__cop.ids().filter((id) => b.contains([window.__cop.track(id).lat, window.__cop.track(id).lon])).length;
        const drawnOk = Math.abs(s.drawn - s.inBounds) <= Math.max(2, s.inBounds * 0.03);
        return s.matching === s.tracks && s.listed === s.matching && s.rows === Math.min(200, s.matching) && drawnOk ? s : null;
      },
      null,
      'store, map and list agree',
      20,
    );
    check(stats.matching === stats.tracks, 'no filter: every track matches');
    // Drawn: every track inside the map's view (the whole region at start).
    check(stats.inBounds >= stats.tracks * 0.9, `the region's view holds the picture (${stats.inBounds} of ${stats.tracks})`);
    check(Math.abs(stats.drawn - stats.inBounds) <= Math.max(2, stats.inBounds * 0.03), `every track in view is drawn on the map (${stats.drawn} drawn, ${stats.inBounds} in view)`);
    check(stats.listed === stats.matching && stats.rows === Math.min(200, stats.matching), `every track is in the list (${stats.listed}, ${stats.rows} rows)`);
    check(/live|polling/.test(stats.connection), `connected (${stats.connection})`);

    // One owner-only track: its symbol is on the canvas at its position.
    const ownId = mine[0];
    const pixel = await page.evaluate((id) => {
      const o = window.__cop.overlay;
      const i = o.screenIds.indexOf(id);
      if (i < 0) return null;
      const dpr = window.devicePixelRatio || 1;
      // A 13-pixel square around it: a tentative track is an outline, empty in the middle.
      const r = Math.round(6 * dpr);
      const d = o.ctx.getImageData(Math.round(o.screen[i * 2] * dpr) - r, Math.round(o.screen[i * 2 + 1] * dpr) - r, 2 * r + 1, 2 * r + 1).data;
      let painted = 0;
      for (let k = 3; k < d.length; k += 4) if (d[k] > 0) painted++;
      return painted;
    }, ownId);
    check(pixel > 0, `track #${ownId} is painted on the map (${pixel} pixels of its symbol)`);

    // Select it from the list (search by its id), then check the detail panel's units.
    await page.fill('[data-testid=search]', `#${ownId}`);
    await page.waitForTimeout(300);
    const rows = page.locator('[data-testid=track-row]');
    check((await rows.count()) === 1, `searching "#${ownId}" lists that track alone`);
    await page.locator(`[data-testid=track-row][data-id="${ownId}"]`).click();
    await page.locator('[data-testid=detail]').waitFor({ state: 'visible' });
    const detail = await page.evaluate(() =>
      Object.fromEntries([...document.querySelectorAll('#detail dd')].map((dd) => [dd.dataset.field, dd.textContent])),
    );
    log('detail', JSON.stringify(detail));
    check(detail.Track === `#${ownId}`, 'the detail panel shows the selected track');
    check(/^\d+\.\d kn$/.test(detail.Speed ?? '') || detail.Speed === '—', 'speed in knots');
    check(/^\d{3}°T$/.test(detail.Course ?? '') || detail.Course === '—', 'course in degrees true');
    check(detail.Sensors?.includes(OWNER_ONLY_SENSOR), 'contributing sensors are listed');
    check(/ago$/.test(detail['Last update'] ?? ''), 'age of the last update');

    // Select by clicking the map: the symbol of another track.
    await page.fill('[data-testid=search]', '');
    await page.waitForTimeout(1000); // the list click's pan is over
    const findTarget = () => page.evaluate(() => {
      const o = window.__cop.overlay;
      const map = document.querySelector('[data-testid=map]').getBoundingClientRect();
      const [ox, oy] = o.offset; // the canvas may be shifted by a pan not yet redrawn
      for (let i = 0; i < o.screenIds.length; i++) {
        const x = o.screen[i * 2] + ox;
        const y = o.screen[i * 2 + 1] + oy;
        // Away from the map's controls, and alone within twice the hit radius.
        if (x < 80 || y < 80 || x > map.width - 80 || y > map.height - 80) continue;
        let alone = true;
        for (let j = 0; j < o.screenIds.length && alone; j++) {
          const dx = o.screen[j * 2] + ox - x;
          const dy = o.screen[j * 2 + 1] + oy - y;
          alone = j === i || dx * dx + dy * dy > 24 * 24;
        }
        if (!alone) continue;
        return { id: o.screenIds[i], x: x + map.left, y: y + map.top };
      }
      return null;
    });
    // A crowded map (thousands of tracks) may have no lone symbol: zoom in and look again.
    let target = await findTarget();
    for (let i = 0; i < 3 && target == null; i++) {
      await page.evaluate(() => window.__cop.map.zoomIn(1.5, { animate: false }));
      await page.waitForTimeout(500);
      target = await findTarget();
    }
    check(target != null, 'a track to click on the map');
    await page.mouse.click(target.x, target.y);
    await until(page, (id) => window.__cop.overlay.selected === id, target.id, `clicking the map selects track #${target.id}`, 5);

    // Filters: domain.
    const domains = await page.evaluate(() => window.__cop.ids().map((id) => window.__cop.track(id).domain));
    const domain = domains.includes('sea') ? 'sea' : domains[0];
    await page.selectOption('[data-testid=filter-domain]', domain);
    // The list is rebuilt once a second while messages keep changing the picture (fast,
    // on a new server): look for a moment when list and state agree.
    const f = await until(
      page,
      (d) => {
        const s = window.__cop.stats();
        const all = window.__cop.ids().map((id) => window.__cop.track(id));
        const rows = [...document.querySelectorAll('[data-testid=track-row]')];
        const r = { ...s, expected: all.filter((t) => t.domain === d).length, rowsOk: rows.every((r) => r.classList.contains(d)) };
        return r.listed === r.matching && r.matching === r.expected && r.drawn <= r.matching ? r : null;
      },
      domain,
      `the list and the map follow the domain filter "${domain}"`,
      15,
    );
    log('filtered', JSON.stringify(f));
    check(f.matching <= f.tracks, `domain filter "${domain}": ${f.matching} of ${f.tracks}`);
    check(f.rowsOk && f.rows === Math.min(200, f.matching), 'the list shows only that domain');
    check(f.drawn <= f.matching, 'the map draws only matching tracks');
    await page.selectOption('[data-testid=filter-domain]', '');

    // Range rings around a clicked point.
    await page.click('[data-testid=rings]');
    const box = await page.locator('[data-testid=map]').boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    check(await page.evaluate(() => window.__cop.overlay.rings != null), 'range rings are placed');

    // Sensor status panel.
    await page.click('[data-testid=sensors-tab]');
    await page.locator('[data-testid=sensor-row]').first().waitFor({ timeout: 10_000 });
    check((await page.locator('[data-testid=sensor-row]').count()) > 0, 'the sensor panel lists sensors');
    await page.click('nav.tabs button[data-tab=tracks]');

    await page.evaluate((id) => window.__cop.select(id), ownId);
    await page.waitForTimeout(1200);
    await page.screenshot({ path: path.join(OUT, `cop-${OWNER.nation.toLowerCase()}.png`) });
    log('screenshot', path.join(OUT, `cop-${OWNER.nation.toLowerCase()}.png`));

    // Another nation: the owner-only tracks are nowhere.
    const other = await browser.context.newPage();
    other.on('pageerror', (e) => errors.push(e.message));
    await login(other, OTHER.token);
    check((await other.textContent('[data-testid=who]')).includes(OTHER.nation), `logged in as ${OTHER.nation}`);
    await until(other, () => window.__cop.stats().tracks > 0, null, `${OTHER.nation} gets tracks`);
    await other.waitForTimeout(3000); // a few more stream messages
    // Track ids belong to each audience's picture, so what must not leak is compared by
    // place: no track of the other nation's near any track that, in the owner's view
    // right now, only the owner-only radar sees (no other sensor covers those waters).
    const ownerNow = await api('api/v1/tracks', OWNER.token);
    const hidden = ownerNow.body.features
      .filter((f) => f.properties.sensors.length > 0 && f.properties.sensors.every((s) => s === OWNER_ONLY_SENSOR))
      .map((f) => f.geometry.coordinates);
    check(hidden.length > 0, `${hidden.length} owner-only tracks to look for`);
    const near = (tracks, km) =>
      tracks.filter(([lon, lat]) =>
        hidden.some(([hlon, hlat]) => {
          const dy = (lat - hlat) * 111.2;
          const dx = (lon - hlon) * 111.2 * Math.cos((lat * Math.PI) / 180);
          return dx * dx + dy * dy < km * km;
        }),
      );
    // The same test finds them on the owner's own page (so it can find a leak).
    const ownerPage = await page.evaluate(() => window.__cop.ids().map((id) => [window.__cop.track(id).lon, window.__cop.track(id).lat]));
    check(near(ownerPage, 2).length > 0, `the place test finds them on ${OWNER.nation}'s page`);
    const otherPage = await other.evaluate(() => window.__cop.ids().map((id) => [window.__cop.track(id).lon, window.__cop.track(id).lat]));
    const leaked = near(otherPage, 2);
    check(leaked.length === 0, `${OTHER.nation}'s page has no track where ${OWNER.nation}'s owner-only tracks are (${JSON.stringify(leaked.slice(0, 3))})`);
    const seen = await other.evaluate((s) => window.__cop.ids().filter((id) => window.__cop.track(id).sensors.includes(s)).length, OWNER_ONLY_SENSOR);
    check(seen === 0, `${OTHER.nation}'s page shows nothing from ${OWNER_ONLY_SENSOR}`);
    const otherApi = await api('api/v1/tracks', OTHER.token);
    check(otherApi.status === 200, `the API answers ${OTHER.nation}`);
    check(
      otherApi.body.features.every((f) => !f.properties.sensors.includes(OWNER_ONLY_SENSOR)) &&
        near(otherApi.body.features.map((f) => f.geometry.coordinates), 2).length === 0,
      `nor does the API give ${OTHER.nation} any`,
    );
    await sameCount(other, OTHER.token);
    await other.fill('[data-testid=search]', '');
    await other.waitForTimeout(1200);
    await other.screenshot({ path: path.join(OUT, `cop-${OTHER.nation.toLowerCase()}.png`) });

    // Without the stream (a proxy that drops it, an older server) the page polls.
    const polled = await browser.context.newPage();
    polled.on('pageerror', (e) => errors.push(e.message));
    await polled.route('**/api/v1/stream**', (r) => r.fulfill({ status: 404, body: '' }));
    await login(polled, OTHER.token);
    await until(polled, () => window.__cop.stats().connection === 'polling' && window.__cop.stats().tracks > 0, null, 'without the stream the page polls /api/v1/tracks', 30);
    await sameCount(polled, OTHER.token);
    await polled.close();

    // Log out: the token leaves sessionStorage.
    await page.click('#logout');
    await page.locator('[data-testid=login]').waitFor({ state: 'visible' });
    check((await page.evaluate(() => sessionStorage.getItem('cuenca.token'))) === null, 'logging out forgets the token');

    check(offHost.length === 0, `no request leaves the server (${offHost.slice(0, 3).join(', ')})`);
    check(errors.length === 0, `no script errors (${errors.slice(0, 3).join('; ')})`);
  } catch (e) {
    // Pictures of every open page, for whoever reads the CI log.
    for (const [i, p] of browser.context.pages().entries()) {
      await p.screenshot({ path: path.join(OUT, `failure-${i}.png`) }).catch(() => {});
    }
    throw e;
  } finally {
    await browser.close();
  }
  log('all checks passed');
}

main().catch((e) => {
  console.error(`[e2e] FAILED: ${e.message}`);
  process.exit(1);
});
