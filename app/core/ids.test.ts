import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isUuid, shortId, uuidv7 } from './ids.js';

describe('uuidv7', () => {
  it('is a canonical version-7 UUID carrying its millisecond, and ids of one process increase strictly', () => {
    const id = uuidv7(0x0123456789ab);
    assert.ok(isUuid(id));
    assert.match(id, /^01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ids = Array.from({ length: 5000 }, () => uuidv7(0x0123456789ab)); // one millisecond, more ids than its counter holds
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} < ${ids[i]}`);
    assert.ok(ids.every(isUuid));
  });
});

describe('shortId', () => {
  it('names a time-ordered id by its random end, other ids by their beginning', () => {
    const minute = Array.from({ length: 50 }, () => uuidv7(0x0123456789ab));
    assert.equal(new Set(minute.map(shortId)).size, 50, 'ids of the same millisecond still differ');
    assert.equal(shortId(minute[0]!), minute[0]!.slice(-8));
    assert.equal(shortId('3f2a9c1e-4b5d-4e6f-8a7b-9c8d7e6f5a4b'), '3f2a9c1e');
  });
});
