import { z } from 'zod';
import { GUILD_ROLES, INVENTORY_ENTRY_KINDS } from '../nadooit_network/models.js';

/** Wire shapes of the network endpoints. Money travels as exact decimal strings with 6 places. */

const id = () => z.guid();
const timestamp = () => z.string().describe('ISO-8601 UTC timestamp');
const decimal = () => z.string().regex(/^-?\d+\.\d{6}$/).describe('Decimal amount with 6 places, e.g. "2.500000"');
const amountIn = () => z.string().regex(/^\d+([.,]\d{1,6})?$/).describe('A positive decimal amount, e.g. "12.50" (at most 6 decimals)');
const userCode = () => z.string().min(1).max(64).describe('The other person’s user code');

export const NetworkMember = z.object({ id: id(), name: z.string() }).meta({ id: 'NetworkMember' });

export const NetworkMe = z
  .object({
    member_id: id(),
    inventory_id: id(),
    balance: decimal(),
    currency: z.string(),
    program_share_ids: z.array(id()),
  })
  .meta({ id: 'NetworkMe' });

export const InventoryEntry = z
  .object({
    id: id(),
    seq: z.number().int(),
    kind: z.enum(INVENTORY_ENTRY_KINDS),
    amount: decimal(),
    balance_after: decimal(),
    transfer_id: id().nullable(),
    counterparty_inventory_id: id().nullable(),
    note: z.string().nullable(),
    created_at: timestamp(),
  })
  .meta({ id: 'InventoryEntry' });

export const EntryQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).optional(), before_seq: z.coerce.number().int().optional() });

export const TransferCreate = z.object({ to_user_code: userCode(), amount: amountIn(), note: z.string().max(500).optional() }).meta({ id: 'NetworkTransferCreate' });
export const Transfer = z.object({ transfer_id: id(), balance: decimal() }).meta({ id: 'NetworkTransfer' });
export const ShareGift = z.object({ to_user_code: userCode() });
export const ShareParams = z.object({ shareId: id() });

export const Friend = NetworkMember.extend({ mutual: z.boolean() }).meta({ id: 'NetworkFriend' });
export const UserCodeBody = z.object({ user_code: userCode() });
export const MemberParams = z.object({ id: id(), memberId: id() });

export const Group = z
  .object({ id: id(), name: z.string(), created_by_member_id: id(), member_count: z.number().int(), members: z.array(NetworkMember), created_at: timestamp() })
  .meta({ id: 'NetworkGroup' });
export const GroupCreate = z.object({ name: z.string().max(100) });

export const GuildSummary = z.object({ id: id(), name: z.string(), role: z.enum(GUILD_ROLES), member_count: z.number().int() }).meta({ id: 'GuildSummary' });
export const Guild = z
  .object({
    id: id(),
    name: z.string(),
    description: z.string().nullable(),
    bank_balance: decimal(),
    currency: z.string(),
    my_role: z.enum(GUILD_ROLES),
    members: z.array(NetworkMember.extend({ role: z.enum(GUILD_ROLES) })),
    created_at: timestamp(),
  })
  .meta({ id: 'Guild' });
export const GuildCreate = z.object({ name: z.string().max(100), description: z.string().max(2000).optional() });
export const RoleChange = z.object({ role: z.enum(GUILD_ROLES) });
export const BankMove = z.object({ amount: amountIn(), note: z.string().max(500).optional(), to_member_id: id().optional().describe('Withdrawals: the guild member paid (default: the caller)') });
