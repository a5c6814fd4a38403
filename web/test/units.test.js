// node --test: the units a watch stander reads.
import test from 'node:test';
import assert from 'node:assert/strict';
import { age, courseTrue, escapeHtml, feet, flightLevel, knots, latLon } from '../src/units.js';

test('speed in knots', () => {
  assert.equal(knots(10), '19.4 kn');
  assert.equal(knots(0), '0.0 kn');
  assert.equal(knots(null), '—');
});

test('course in degrees true, three digits, wrapped', () => {
  assert.equal(courseTrue(5), '005°T');
  assert.equal(courseTrue(359.6), '000°T');
  assert.equal(courseTrue(-90), '270°T');
  assert.equal(courseTrue(undefined), '—');
});

test('altitude in feet and flight level', () => {
  assert.equal(feet(10000), '32,808 ft');
  assert.equal(flightLevel(10668), 'FL350');
  assert.equal(flightLevel(30), 'FL001');
  assert.equal(flightLevel(-50), 'FL000');
});

test('position in degrees and minutes', () => {
  assert.equal(latLon(16.5, -86.25), '16°30.00′N 086°15.00′W');
  assert.equal(latLon(-0.5, 0.999999), '00°30.00′S 001°00.00′E'); // 59.99994′ rounds up a degree
});

test('ages', () => {
  assert.equal(age(5.4), '5 s');
  assert.equal(age(600), '10 min');
  assert.equal(age(10800), '3 h');
  assert.equal(age(-3), '0 s'); // clock skew never shows a negative age
  assert.equal(age(NaN), '—');
});

test('HTML is escaped', () => {
  assert.equal(escapeHtml(`<b a="x">&'`), '&lt;b a=&quot;x&quot;&gt;&amp;&#39;');
});
