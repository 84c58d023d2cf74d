import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/actor.js';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { Conflict, NotFound, PermissionDenied } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import { staffAuthority } from '../../nadooit_auth/services/actor.js';
import { getInventory } from './inventory.js';
import { memberByUserCode, requireMember } from './members.js';
import '../models.js';

/** A program share held in an inventory. */
export interface HeldShare {
  id: string;
  programShareId: string;
  inventoryId: string;
  createdAt: string;
}

/** Staff puts a program share into an inventory (a share sits in one inventory at most: 409 if it already does). */
export async function placeShare(db: Tx, input: Actor & { inventoryId: string; programShareId: string }): Promise<HeldShare> {
  if (!(await staffAuthority(db, input))) throw new PermissionDenied('Anteile vergibt NADOOIT.');
  if (!(await getInventory(db, input.inventoryId))) throw new NotFound('Inventar nicht gefunden');
  if (!isUuid(input.programShareId)) throw new NotFound('Programmanteil nicht gefunden');
  const row = { id: randomUUID(), inventory_id: input.inventoryId, program_share_id: input.programShareId, created_at: new Date().toISOString() };
  const inserted = await db.insertInto('net_inventory_shares').values(row).onConflict((oc) => oc.column('program_share_id').doNothing()).returningAll().executeTakeFirst();
  if (!inserted) throw new Conflict('Dieser Programmanteil liegt bereits in einem Inventar.');
  return { id: row.id, programShareId: row.program_share_id, inventoryId: row.inventory_id, createdAt: row.created_at };
}

export async function sharesIn(db: Tx, inventoryId: string): Promise<HeldShare[]> {
  if (!isUuid(inventoryId)) return [];
  const rows = await db.selectFrom('net_inventory_shares').selectAll().where('inventory_id', '=', inventoryId).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, programShareId: r.program_share_id, inventoryId: r.inventory_id, createdAt: r.created_at }));
}

/**
 * A member gives one of their program shares to another member. The move is one conditional UPDATE
 * (only while the share is still in the giver's inventory), so two gifts of one share cannot both win.
 */
export async function giveShare(db: Tx, input: { actorUserId: string; programShareId: string; toUserCode: string }): Promise<HeldShare> {
  const from = await requireMember(db, input.actorUserId);
  const to = await memberByUserCode(db, input.toUserCode);
  if (!isUuid(input.programShareId)) throw new NotFound('Programmanteil nicht gefunden');
  return transaction(db, async (tx) => {
    const moved = await tx
      .updateTable('net_inventory_shares')
      .set({ inventory_id: to.inventory_id })
      .where('program_share_id', '=', input.programShareId)
      .where('inventory_id', '=', from.inventory_id)
      .returningAll()
      .executeTakeFirst();
    if (!moved) throw new NotFound('Dieser Programmanteil liegt nicht in Ihrem Inventar.');
    return { id: moved.id, programShareId: moved.program_share_id, inventoryId: moved.inventory_id, createdAt: moved.created_at };
  });
}
