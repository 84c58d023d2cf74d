import { randomFillSync } from 'node:crypto';

/** True for a canonical UUID string (PostgreSQL rejects anything else in a uuid column, so check before querying). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

// Random bytes drawn 4 KiB at a time (as crypto.randomUUID does): one draw per id cost 6 % of a busy server's CPU.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/** 16 fresh random bytes (a view into the pool; each is handed out once). */
function randomSixteen(): Buffer {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += 16;
  return pool.subarray(poolOffset - 16, poolOffset);
}

let lastMs = 0;
let sequence = 0;

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter within the millisecond and 62
 * random bits. Rows keyed by it are appended at the right edge of their primary-key b-tree instead of
 * landing on a random page, so a batch of inserts touches a few pages instead of one per row (fewer pages
 * written to the log per commit). Ids made in one process increase strictly.
 */
export function uuidv7(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    lastMs += 1; // counter exhausted: borrow the next millisecond, order stays strict
    sequence = 0;
  }
  const bytes = randomSixteen();
  const ms = lastMs;
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | (sequence >>> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The 8 characters that name a record on pages: the beginning of a random UUID, but the end of a UUIDv7,
 * whose beginning is its timestamp (shared by every id made in the same minute). Search accepts both.
 */
export function shortId(id: string): string {
  return id.charAt(14) === '7' ? id.slice(-8) : id.slice(0, 8);
}
