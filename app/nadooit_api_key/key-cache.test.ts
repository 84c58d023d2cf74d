import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyCache } from './services/key-cache.js';

const outside = { isTransaction: false };

describe('KeyCache.through (the bot API\'s cached checks)', () => {
  it('shares one load among concurrent misses, keeps generations apart and never stores "not found"', async () => {
    const cache = new KeyCache<string>();
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const load = (value: string | undefined) => async () => {
      loads += 1;
      await gate;
      return value;
    };
    const first = Array.from({ length: 10 }, () => cache.through(outside, 'k', 1, load('row')));
    const afterAWrite = cache.through(outside, 'k', 2, load('newer row'));
    release();
    assert.deepEqual(await Promise.all(first), Array(10).fill('row'));
    assert.equal(await afterAWrite, 'newer row', 'a load begun before a write is not shared with reads after it');
    assert.equal(loads, 2);
    assert.equal(await cache.through(outside, 'k', 2, load('unused')), 'newer row', 'then served from the cache');
    assert.equal(loads, 2);

    assert.equal(await cache.through(outside, 'unknown', 2, load(undefined)), undefined);
    assert.equal(await cache.through(outside, 'unknown', 2, load(undefined)), undefined);
    assert.equal(loads, 4, 'an unknown key is looked up again every time');
  });

  it('inside a transaction a load running elsewhere is not joined (on SQLite it may wait for the transaction\'s connection)', async () => {
    const cache = new KeyCache<string>();
    const stuck = cache.through(outside, 'k', 0, () => new Promise<string>(() => undefined));
    assert.equal(await cache.through({ isTransaction: true }, 'k', 0, async () => 'read in the transaction'), 'read in the transaction');
    void stuck;
  });

  it('a failed load is not remembered', async () => {
    const cache = new KeyCache<string>();
    await assert.rejects(cache.through(outside, 'k', 0, async () => Promise.reject(new Error('connection lost'))), /connection lost/);
    assert.equal(await cache.through(outside, 'k', 0, async () => 'row'), 'row');
  });
});
