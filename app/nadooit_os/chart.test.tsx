import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TimeAndCostChart, axis, niceStep } from './chart.js';

describe('time and cost chart', () => {
  it('picks round axis steps', () => {
    assert.equal(niceStep(1.2), 2);
    assert.equal(niceStep(0.3), 0.5);
    assert.equal(niceStep(2.5), 2.5);
    assert.deepEqual(axis(4.2), { top: 6, count: 3 });
    assert.deepEqual(axis(180, 5), { top: 250, count: 5 });
    assert.equal(axis(0).top, 1);
  });

  it('draws one bar per bucket with a tooltip in the formats of §6.4', async () => {
    const svg = await TimeAndCostChart({
      points: [
        { local: { year: 2025, month: 3, day: 1, hour: 0, minute: 0 }, seconds: 90185, priceMicro: 1_333_320_000 },
        { local: { year: 2025, month: 3, day: 2, hour: 0, minute: 0 }, seconds: 0, priceMicro: 0 },
      ],
      unit: 'day',
      language: 'de',
      title: 'Zeitersparnis & Kosten <März>',
      hoursLabel: 'Stunden',
      costLabel: 'Kosten',
    });
    assert.equal((svg.match(/<rect class="bar"/g) ?? []).length, 2);
    assert.match(svg, /1\. Mär · 25 h 03 min · 1\.333,32 €/);
    assert.match(svg, /2\. Mär · 0 min/, 'every tooltip names its month');
    assert.match(svg, /Kosten &lt;März/);
    assert.doesNotMatch(svg, /style=/);
  });

  it('stops the cost line before buckets that have not begun', async () => {
    const local = (day: number) => ({ year: 2025, month: 3, day, hour: 0, minute: 0 });
    const svg = await TimeAndCostChart({
      points: [
        { local: local(1), seconds: 3600, priceMicro: 1_000_000 },
        { local: local(2), seconds: 0, priceMicro: 0 },
        { local: local(3), seconds: 0, priceMicro: 0, future: true },
      ],
      unit: 'day',
      language: 'en',
      title: 'x',
      hoursLabel: 'h',
      costLabel: 'c',
    });
    assert.equal((svg.match(/<circle class="dot"/g) ?? []).length, 2);
    assert.equal((svg.match(/<rect class="bar"/g) ?? []).length, 3);
    assert.match(svg, /d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+"/);
  });
});
