import type { Tx } from '../core/db/transaction.js';

/**
 * An account as this process last saw it, when its last booking batch on it committed: what the next batch
 * may assume without reading the row (`optimistic` batches, PostgreSQL/CockroachDB; ledger-batch.ts). It may
 * be out of date — other processes book on the account too — and that is checked where it is used: an
 * optimistic batch writes relative to the row and is refused unless the account is still active and covers
 * what the batch draws.
 */
export interface KnownAccount {
  active: boolean;
  balance: number;
  seq: number;
}

/**
 * After an optimistic batch on an account was refused (the account was switched off or emptied elsewhere,
 * say), that long every batch on it reads under lock: a refused statement had done all its work for nothing.
 */
export const CONTENDED_MS = 1000;
const MAX_ENTRIES = 10_000;

let clock: () => number = () => performance.now();

/** Tests: a monotonic clock in ms of their own for CONTENDED_MS (null restores performance.now). */
export function setKnownAccountsClock(source: (() => number) | null): void {
  clock = source ?? (() => performance.now());
}

interface Knowledge {
  accounts: Map<string, KnownAccount>;
  contendedUntil: Map<string, number>;
}

const byAdapter = new WeakMap<object, Knowledge>();

/** Per database handle (its transactions share the adapter). */
function knowledgeOf(db: Tx): Knowledge {
  const adapter = db.getExecutor().adapter;
  let knowledge = byAdapter.get(adapter);
  if (!knowledge) byAdapter.set(adapter, (knowledge = { accounts: new Map(), contendedUntil: new Map() }));
  return knowledge;
}

function bounded<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
}

export function knownAccount(db: Tx, id: string): KnownAccount | undefined {
  return knowledgeOf(db).accounts.get(id);
}

/** Keeps `account` for the next batch, unless the account is contended. */
export function rememberAccount(db: Tx, id: string, account: KnownAccount): void {
  const { accounts, contendedUntil } = knowledgeOf(db);
  accounts.delete(id);
  if ((contendedUntil.get(id) ?? 0) > clock()) return;
  contendedUntil.delete(id);
  bounded(accounts, id, account);
}

/** Drops what is known of the account; `contended`: and keeps it unknown for CONTENDED_MS. */
export function forgetAccount(db: Tx, id: string, contended: boolean): void {
  const { accounts, contendedUntil } = knowledgeOf(db);
  accounts.delete(id);
  if (contended) bounded(contendedUntil, id, clock() + CONTENDED_MS);
}
