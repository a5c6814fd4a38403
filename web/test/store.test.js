// node --test: the picture as the page keeps it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Store, trackLabel } from '../src/store.js';

const feature = (id, props = {}, coords = [-80, 15]) => ({
  type: 'Feature',
  id,
  geometry: { type: 'Point', coordinates: coords },
  properties: { status: 'confirmed', domain: 'sea', speed_mps: 5, course_deg: 90, identity: {}, sensors: ['s1'], nations: ['MEX'], updated: new Date().toISOString(), ...props },
});
const msg = (full, updated, deleted = []) => ({ time: new Date().toISOString(), full, updated, deleted });

test('a full message replaces the picture; updates and deletions change it', () => {
  const s = new Store();
  s.apply(msg(true, [feature(1), feature(2), feature(3)]));
  assert.deepEqual([...s.tracks.keys()], [1, 2, 3]);
  s.apply(msg(false, [feature(4)], [2]));
  assert.deepEqual([...s.tracks.keys()].sort(), [1, 3, 4]);
  s.apply(msg(true, [feature(3)]));
  assert.deepEqual([...s.tracks.keys()], [3]);
});

test('features without a usable position are skipped', () => {
  const s = new Store();
  s.apply(msg(true, [feature(1, {}, ['x', 15]), { id: 2 }, null, feature(3)]));
  assert.deepEqual([...s.tracks.keys()], [3]);
});

test('labels: name, callsign, MMSI, ICAO, then the track number', () => {
  const t = (identity) => trackLabel({ id: 7, identity });
  assert.equal(t({ name: 'SEA STAR', mmsi: 1 }), 'SEA STAR');
  assert.equal(t({ callsign: 'AAL12' }), 'AAL12');
  assert.equal(t({ mmsi: 345070001 }), 'MMSI 345070001');
  assert.equal(t({ icao24: 'a1b2c3' }), 'ICAO a1b2c3');
  assert.equal(t({}), '#7');
});

test('filters: domain, status, nation, speed in knots, search and #track', () => {
  const s = new Store();
  s.apply(
    msg(true, [
      feature(1, { identity: { name: 'SEA STAR', mmsi: 345070001 }, speed_mps: 5 }),
      feature(2, { domain: 'air', identity: { callsign: 'AAL12' }, speed_mps: 200, nations: ['USA'] }),
      feature(12, { status: 'tentative', speed_mps: 1 }),
    ]),
  );
  const ids = (filter) => {
    s.filter = { q: '', domain: '', status: '', nation: '', minKn: null, maxKn: null, ...filter };
    return s.filtered().map((t) => t.id);
  };
  assert.deepEqual(ids({}), [1, 2, 12]);
  assert.deepEqual(ids({ domain: 'air' }), [2]);
  assert.deepEqual(ids({ status: 'tentative' }), [12]);
  assert.deepEqual(ids({ nation: 'USA' }), [2]);
  assert.deepEqual(ids({ minKn: 5 }), [1, 2]); // 5 m/s = 9.7 kn
  assert.deepEqual(ids({ maxKn: 5 }), [12]);
  assert.deepEqual(ids({ q: 'star' }), [1]);
  assert.deepEqual(ids({ q: '34507' }), [1]);
  assert.deepEqual(ids({ q: '#1' }), [1]); // exactly track 1, not 12
  assert.deepEqual(ids({ q: '1' }), [1, 2, 12]); // AAL12 has a 1
});

test('stale: coasting, or silent longer than its domain allows', () => {
  const s = new Store();
  const old = new Date(Date.now() - 60_000).toISOString();
  s.apply(msg(true, [feature(1, { updated: old }), feature(2, { domain: 'air', updated: old }), feature(3, { status: 'coasting' })]));
  assert.equal(s.isStale(s.tracks.get(1)), false); // a ship 60 s quiet is fine
  assert.equal(s.isStale(s.tracks.get(2)), true); // an aircraft is not
  assert.equal(s.isStale(s.tracks.get(3)), true);
});

test('trails keep a point every 15 s at most', () => {
  const s = new Store();
  const t0 = Date.now() - 60_000;
  const at = (sec, lon) => feature(1, { updated: new Date(t0 + sec * 1000).toISOString() }, [lon, 15]);
  s.apply(msg(false, [at(0, -80)]));
  s.apply(msg(false, [at(5, -80.01)]));
  s.apply(msg(false, [at(16, -80.02)]));
  assert.deepEqual(s.tracks.get(1).trail.map((p) => p[0]), [-80, -80.02]);
});
