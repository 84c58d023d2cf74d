import type { Tx } from '../../core/db/transaction.js';
import { InvalidInput } from '../../core/errors.js';
import { transferBetween } from './inventory.js';
import type { TransferResult } from './inventory.js';
import { memberByUserCode, requireMember } from './members.js';

/** A member sends money from their own inventory to another member's (named by user code). */
export async function sendMoney(
  db: Tx,
  input: { actorUserId: string; toUserCode: string; amountMicro: number; note?: string | null },
): Promise<TransferResult & { toMemberId: string }> {
  const from = await requireMember(db, input.actorUserId);
  const to = await memberByUserCode(db, input.toUserCode);
  if (to.id === from.id) throw new InvalidInput('Sie können sich nicht selbst Geld senden.', { field: 'to_user_code' });
  const result = await transferBetween(db, {
    fromInventoryId: from.inventory_id,
    toInventoryId: to.inventory_id,
    amountMicro: input.amountMicro,
    note: input.note?.trim() || null,
    authorUserId: input.actorUserId,
  });
  return { ...result, toMemberId: to.id };
}
