import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { Actor } from '../../core/actor.js';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { Conflict, InvalidInput, NotFound, PermissionDenied } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import { staffAuthority } from '../../nadooit_auth/services/actor.js';
import type { InventoryEntryKind, InventoryOwner, NetInventoriesTable, NetInventoryEntriesTable } from '../models.js';
import '../models.js';

/**
 * Inventories are a money ledger, like the time accounts: every change is an entry written in the same
 * transaction as the balance, so balance = Σ entries and it never goes negative (also a CHECK). Balance
 * changes are conditional relative UPDATEs (`balance + d >= 0`), atomic on SQLite, PostgreSQL and
 * CockroachDB. A transfer is two legs in one transaction, applied in id order so that two opposite
 * transfers never deadlock; money is never created or lost, whatever runs in parallel.
 */

export type Inventory = Selectable<NetInventoriesTable>;
export type InventoryEntry = Selectable<NetInventoryEntriesTable>;
export const NETWORK_CURRENCY = 'EUR';
/** A sanity bound for one booking: 1 000 000 000 € in micro-units. */
const MAX_AMOUNT = 1_000_000_000 * 1_000_000;

function amount(value: number, { signed }: { signed: boolean }): number {
  if (!Number.isSafeInteger(value) || value === 0 || (!signed && value < 0) || Math.abs(value) > MAX_AMOUNT) {
    throw new InvalidInput(signed ? 'Der Betrag muss ungleich 0 sein.' : 'Der Betrag muss größer 0 sein.', { field: 'amount' });
  }
  return value;
}

export async function openInventory(tx: Tx, owner: InventoryOwner, currency = NETWORK_CURRENCY): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  await tx.insertInto('net_inventories').values({ id, owner_kind: owner, balance_micro: 0, currency, created_at: now, updated_at: now }).execute();
  return id;
}

export async function getInventory(db: Tx, inventoryId: string): Promise<Inventory | undefined> {
  if (!isUuid(inventoryId)) return undefined;
  return db.selectFrom('net_inventories').selectAll().where('id', '=', inventoryId).executeTakeFirst();
}

/** Adds `delta` unless the balance would go negative: the new balance and currency, or undefined when refused. */
async function applyDelta(tx: Tx, inventoryId: string, delta: number): Promise<{ balance: number; currency: string } | undefined> {
  const row = await tx
    .updateTable('net_inventories')
    .set({ balance_micro: sql`balance_micro + ${delta}`, updated_at: new Date().toISOString() })
    .where('id', '=', inventoryId)
    .where(sql<boolean>`balance_micro + ${delta} >= 0`)
    .returning(['balance_micro', 'currency'])
    .executeTakeFirst();
  if (row) return { balance: Number(row.balance_micro), currency: row.currency };
  if (!(await getInventory(tx, inventoryId))) throw new NotFound('Inventar nicht gefunden');
  return undefined;
}

async function writeEntry(
  tx: Tx,
  entry: { inventoryId: string; kind: InventoryEntryKind; amount: number; balanceAfter: number; transferId?: string; counterpartyId?: string; note?: string | null; authorUserId?: string | null },
): Promise<string> {
  // The caller holds the inventory's row lock (its balance UPDATE came first), so max(seq) + 1 cannot race.
  const last = await tx.selectFrom('net_inventory_entries').select((eb) => eb.fn.max('seq').as('seq')).where('inventory_id', '=', entry.inventoryId).executeTakeFirst();
  const id = randomUUID();
  await tx
    .insertInto('net_inventory_entries')
    .values({
      id,
      inventory_id: entry.inventoryId,
      seq: Number(last?.seq ?? 0) + 1,
      kind: entry.kind,
      amount_micro: entry.amount,
      balance_after_micro: entry.balanceAfter,
      transfer_id: entry.transferId ?? null,
      counterparty_inventory_id: entry.counterpartyId ?? null,
      note: entry.note ?? null,
      author_user_id: entry.authorUserId ?? null,
      created_at: new Date().toISOString(),
    })
    .execute();
  return id;
}

export interface TransferResult {
  transferId: string;
  fromBalance: number;
  toBalance: number;
}

/**
 * Moves `amountMicro` from one inventory to another: both legs or neither. 409 when the source lacks the
 * money or the currencies differ. Authorization is the caller's business (sendMoney, guild bank).
 */
export async function transferBetween(
  db: Tx,
  input: { fromInventoryId: string; toInventoryId: string; amountMicro: number; note?: string | null; authorUserId: string | null },
): Promise<TransferResult> {
  const value = amount(input.amountMicro, { signed: false });
  if (!isUuid(input.fromInventoryId) || !isUuid(input.toInventoryId)) throw new NotFound('Inventar nicht gefunden');
  if (input.fromInventoryId === input.toInventoryId) throw new InvalidInput('Quelle und Ziel sind dasselbe Inventar.');
  return transaction(db, async (tx) => {
    const legs = [
      { id: input.fromInventoryId, delta: -value, counterparty: input.toInventoryId },
      { id: input.toInventoryId, delta: value, counterparty: input.fromInventoryId },
    ].sort((a, b) => (a.id < b.id ? -1 : 1));
    const transferId = randomUUID();
    const balances = new Map<string, { balance: number; currency: string }>();
    for (const leg of legs) {
      const after = await applyDelta(tx, leg.id, leg.delta);
      if (!after) throw new Conflict('Nicht genug Guthaben für diese Überweisung.');
      balances.set(leg.id, after);
    }
    if (balances.get(input.fromInventoryId)!.currency !== balances.get(input.toInventoryId)!.currency) {
      throw new Conflict('Überweisungen gibt es nur zwischen Inventaren derselben Währung.');
    }
    for (const leg of legs) {
      await writeEntry(tx, {
        inventoryId: leg.id,
        kind: 'transfer',
        amount: leg.delta,
        balanceAfter: balances.get(leg.id)!.balance,
        transferId,
        counterpartyId: leg.counterparty,
        note: input.note,
        authorUserId: input.authorUserId,
      });
    }
    return { transferId, fromBalance: balances.get(input.fromInventoryId)!.balance, toBalance: balances.get(input.toInventoryId)!.balance };
  });
}

/**
 * Staff books money into an inventory (`credit`, amount > 0) or corrects it (`correction`, ± with a reason).
 * A correction that would make the balance negative is refused (409).
 */
export async function bookByStaff(
  db: Tx,
  input: Actor & { inventoryId: string; kind: 'credit' | 'correction'; amountMicro: number; note?: string | null },
): Promise<{ entryId: string; balanceAfter: number }> {
  if (!(await staffAuthority(db, input))) throw new PermissionDenied('Gutschriften und Korrekturen bucht NADOOIT.');
  const value = amount(input.amountMicro, { signed: input.kind === 'correction' });
  const note = input.note?.trim() || null;
  if (input.kind === 'correction' && !note) throw new InvalidInput('Eine Korrektur braucht einen Grund.', { field: 'note' });
  if (!isUuid(input.inventoryId)) throw new NotFound('Inventar nicht gefunden');
  return transaction(db, async (tx) => {
    const after = await applyDelta(tx, input.inventoryId, value);
    if (!after) throw new Conflict('Die Korrektur würde das Inventar ins Minus bringen.');
    const entryId = await writeEntry(tx, { inventoryId: input.inventoryId, kind: input.kind, amount: value, balanceAfter: after.balance, note, authorUserId: input.actorUserId });
    return { entryId, balanceAfter: after.balance };
  });
}

/** Entries of one inventory, newest first, paged by sequence number (`beforeSeq`: the seq of the last one shown). */
export async function inventoryEntries(db: Tx, inventoryId: string, options: { limit?: number; beforeSeq?: number } = {}): Promise<InventoryEntry[]> {
  if (!isUuid(inventoryId)) return [];
  let query = db
    .selectFrom('net_inventory_entries')
    .selectAll()
    .where('inventory_id', '=', inventoryId)
    .orderBy('seq', 'desc')
    .limit(Math.min(Math.max(options.limit ?? 50, 1), 500));
  if (options.beforeSeq !== undefined) query = query.where('seq', '<', options.beforeSeq);
  return (await query.execute()).map((e) => ({ ...e, seq: Number(e.seq), amount_micro: Number(e.amount_micro), balance_after_micro: Number(e.balance_after_micro) }));
}

/** Inventories whose balance differs from the sum of their entries (empty: the ledger is consistent). */
export async function verifyInventories(db: Tx): Promise<Array<{ inventoryId: string; balance: number; ledger: number }>> {
  const rows = await db
    .selectFrom('net_inventories as i')
    .leftJoin('net_inventory_entries as e', 'e.inventory_id', 'i.id')
    .select((eb) => ['i.id as inventoryId', 'i.balance_micro as balance', eb.fn.coalesce(eb.fn.sum<number>('e.amount_micro'), sql<number>`0`).as('ledger')])
    .groupBy(['i.id', 'i.balance_micro'])
    .having((eb) => eb('i.balance_micro', '<>', eb.fn.coalesce(eb.fn.sum<number>('e.amount_micro'), sql<number>`0`)))
    .execute();
  return rows.map((r) => ({ inventoryId: r.inventoryId, balance: Number(r.balance), ledger: Number(r.ledger) }));
}
