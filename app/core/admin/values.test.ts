import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseForm } from './schema.js';
import type { AdminField } from './types.js';
import { csvCell, moneyInput, parseMoney } from './values.js';

const t = (key: string, params?: Record<string, string | number>) => `${key}${params ? JSON.stringify(params) : ''}`;

describe('admin values', () => {
  it('parses money exactly into micro-units, German or English notation', () => {
    assert.equal(parseMoney('12,50'), 12_500_000);
    assert.equal(parseMoney('12.5'), 12_500_000);
    assert.equal(parseMoney('1.234,56 €'), 1_234_560_000);
    assert.equal(parseMoney('0,000001'), 1);
    assert.equal(parseMoney('-0,01'), -10_000);
    assert.equal(parseMoney('0.0000001'), null, 'more than six decimals');
    assert.equal(parseMoney('12,5x'), null);
    assert.equal(parseMoney(''), null);
    assert.equal(moneyInput(10_500_000), '10.5');
    assert.equal(moneyInput(1), '0.000001');
  });

  it('writes CSV cells (money and durations are formatted by core/ui/format.ts)', () => {
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell(-300), '-300', 'numbers are not formulas');
    assert.equal(csvCell('a,b'), '"a,b"');
  });

  it('validates form input per field type with messages per field', () => {
    const fields: AdminField[] = [
      { name: 'name', label: { de: 'Name', en: 'Name' }, type: 'text', required: true, maxLength: 5 },
      { name: 'seconds', label: { de: 'S', en: 'S' }, type: 'seconds', min: 0 },
      { name: 'price', label: { de: 'P', en: 'P' }, type: 'money' },
      { name: 'active', label: { de: 'A', en: 'A' }, type: 'boolean' },
      { name: 'kind', label: { de: 'K', en: 'K' }, type: 'choice', choices: [{ value: 'a', label: { de: 'A', en: 'A' } }] },
      { name: 'customer', label: { de: 'C', en: 'C' }, type: 'relation', relation: { resource: 'x.y', onDelete: 'cascade' } },
    ];
    const bad = parseForm(fields, { name: 'toolong', seconds: '-1', price: 'abc', kind: 'b', customer: 'nope' }, t);
    assert.equal(bad.ok, false);
    if (!bad.ok) {
      assert.deepEqual(Object.keys(bad.errors).sort(), ['customer', 'kind', 'name', 'price', 'seconds']);
      assert.deepEqual(bad.errors.seconds, ['admin.error.min{"min":0}']);
      assert.equal(bad.raw.name, 'toolong');
    }
    const good = parseForm(fields, { name: ' Acme ', seconds: '300', price: '0,01', active: 'on', kind: 'a', customer: '' }, t);
    assert.deepEqual(good, { ok: true, values: { name: 'Acme', seconds: 300, price: 10_000, active: true, kind: 'a', customer: null } });
    const missing = parseForm(fields, {}, t);
    assert.equal(missing.ok, false);
    if (!missing.ok) assert.deepEqual(missing.errors.name, ['admin.error.required']);
  });
});
