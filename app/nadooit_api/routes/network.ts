import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { parseMoney } from '../../core/admin/values.js';
import { forbidden } from '../../core/http/errors.js';
import { InvalidInput } from '../../core/errors.js';
import {
  addFriend,
  addGroupMember,
  addGuildMember,
  createGroup,
  createGuild,
  deleteGroup,
  depositToGuild,
  ensureMember,
  friendsOf,
  getInventory,
  giveShare,
  groupOfMember,
  groupsOf,
  guildOfMember,
  guildsOf,
  inventoryEntries,
  removeFriend,
  removeGroupMember,
  removeGuildMember,
  sendMoney,
  setGuildRole,
  sharesIn,
  withdrawFromGuild,
} from '../../nadooit_network/services/index.js';
import type { GroupView, GuildOfMember } from '../../nadooit_network/services/index.js';
import { formatDecimal } from '../../nadooit_api_executions_system/services/index.js';
import { principalOf } from '../auth.js';
import { IdParams, NoContent, conflictErrors, errors, items } from '../schemas.js';
import {
  BankMove,
  EntryQuery,
  Friend,
  Group,
  GroupCreate,
  Guild,
  GuildCreate,
  GuildSummary,
  InventoryEntry,
  MemberParams,
  NetworkMe,
  RoleChange,
  ShareGift,
  ShareParams,
  Transfer,
  TransferCreate,
  UserCodeBody,
} from '../schemas-network.js';
import type { Api } from '../types.js';

const tags = ['network'];

function amountOf(text: string): number {
  const micro = parseMoney(text);
  if (micro === null || micro <= 0) throw new InvalidInput('Bitte einen Betrag größer 0 angeben.', { field: 'body.amount' });
  return micro;
}

const groupOut = (g: GroupView) => ({ id: g.id, name: g.name, created_by_member_id: g.createdByMemberId, member_count: g.memberCount, members: g.members.map(({ id, name }) => ({ id, name })), created_at: g.createdAt });
const guildOut = (g: GuildOfMember) => ({
  id: g.id,
  name: g.name,
  description: g.description,
  bank_balance: formatDecimal(g.bankBalanceMicro),
  currency: g.currency,
  my_role: g.myRole,
  members: g.members.map(({ id, name, role }) => ({ id, name, role })),
  created_at: g.createdAt,
});

/**
 * /network: the caller's own place in the NADOOIT network (joined on first call). Everything here is the
 * person's own — inventory, friends, groups, guilds — so a key bound to one customer may not use it.
 * The rules (group size, guild roles, atomic transfers) live in the services, the same for the dashboard.
 */
export function networkRoutes(api: Api, { db }: AppContext): void {
  const kysely = db.kysely;
  async function me(request: FastifyRequest) {
    const principal = principalOf(request);
    if (principal.keyCustomerId) throw forbidden('Dieser API-Schlüssel gilt nur für einen Kunden, nicht für das persönliche Netzwerk.').localized('api.error.key_single_customer');
    return { userId: principal.userId, member: await ensureMember(kysely, principal.userId) };
  }

  api.get('/network/me', { schema: { tags, summary: 'The caller’s membership and inventory (joins on first call)', response: { 200: NetworkMe, ...errors } } }, async (request) => {
    const { member } = await me(request);
    const inventory = (await getInventory(kysely, member.inventory_id))!;
    return {
      member_id: member.id,
      inventory_id: inventory.id,
      balance: formatDecimal(Number(inventory.balance_micro)),
      currency: inventory.currency,
      program_share_ids: (await sharesIn(kysely, inventory.id)).map((s) => s.programShareId),
    };
  });

  api.get(
    '/network/me/entries',
    { schema: { tags, summary: 'The caller’s inventory ledger, newest first (the balance is its sum)', querystring: EntryQuery, response: { 200: items(InventoryEntry), ...errors } } },
    async (request) => {
      const { member } = await me(request);
      const entries = await inventoryEntries(kysely, member.inventory_id, { limit: request.query.limit, beforeSeq: request.query.before_seq });
      return {
        items: entries.map((e) => ({
          id: e.id,
          seq: e.seq,
          kind: e.kind,
          amount: formatDecimal(e.amount_micro),
          balance_after: formatDecimal(e.balance_after_micro),
          transfer_id: e.transfer_id,
          counterparty_inventory_id: e.counterparty_inventory_id,
          note: e.note,
          created_at: e.created_at,
        })),
      };
    },
  );

  api.post(
    '/network/transfers',
    { schema: { tags, summary: 'Send money to another member: both ledger legs or neither; 409 when the balance does not cover it', body: TransferCreate, response: { 201: Transfer, ...conflictErrors } } },
    async (request, reply) => {
      const { userId } = await me(request);
      const sent = await sendMoney(kysely, { actorUserId: userId, toUserCode: request.body.to_user_code, amountMicro: amountOf(request.body.amount), note: request.body.note });
      return reply.code(201).send({ transfer_id: sent.transferId, balance: formatDecimal(sent.fromBalance) });
    },
  );

  api.post(
    '/network/shares/:shareId/gift',
    { schema: { tags, summary: 'Give one of the caller’s program shares to another member', params: ShareParams, body: ShareGift, response: { 204: NoContent, ...errors } } },
    async (request, reply) => {
      const { userId } = await me(request);
      await giveShare(kysely, { actorUserId: userId, programShareId: request.params.shareId, toUserCode: request.body.to_user_code });
      return reply.code(204).send(null);
    },
  );

  api.get('/network/friends', { schema: { tags, summary: 'The caller’s friend list', response: { 200: items(Friend), ...errors } } }, async (request) => {
    const { member } = await me(request);
    return { items: (await friendsOf(kysely, member.id)).map(({ id, name, mutual }) => ({ id, name, mutual })) };
  });
  api.post('/network/friends', { schema: { tags, summary: 'Add a friend by user code', body: UserCodeBody, response: { 201: Friend, ...errors } } }, async (request, reply) => {
    const { userId } = await me(request);
    const friend = await addFriend(kysely, { actorUserId: userId, userCode: request.body.user_code });
    return reply.code(201).send({ id: friend.id, name: friend.name, mutual: friend.mutual });
  });
  api.delete('/network/friends/:id', { schema: { tags, summary: 'Remove a friend', params: IdParams, response: { 204: NoContent, ...errors } } }, async (request, reply) => {
    const { userId } = await me(request);
    await removeFriend(kysely, { actorUserId: userId, friendMemberId: request.params.id });
    return reply.code(204).send(null);
  });

  api.get('/network/groups', { schema: { tags, summary: 'The groups the caller belongs to', response: { 200: items(Group), ...errors } } }, async (request) => {
    const { member } = await me(request);
    return { items: (await groupsOf(kysely, member.id)).map(groupOut) };
  });
  api.post('/network/groups', { schema: { tags, summary: 'Found a group (at most 10 members)', body: GroupCreate, response: { 201: Group, ...errors } } }, async (request, reply) => {
    const { userId } = await me(request);
    return reply.code(201).send(groupOut(await createGroup(kysely, { actorUserId: userId, name: request.body.name })));
  });
  api.get('/network/groups/:id', { schema: { tags, summary: 'One of the caller’s groups', params: IdParams, response: { 200: Group, ...errors } } }, async (request) => {
    const { userId } = await me(request);
    return groupOut(await groupOfMember(kysely, { actorUserId: userId, groupId: request.params.id }));
  });
  api.delete('/network/groups/:id', { schema: { tags, summary: 'Delete a group (its founder)', params: IdParams, response: { 204: NoContent, ...errors } } }, async (request, reply) => {
    const { userId } = await me(request);
    await deleteGroup(kysely, { actorUserId: userId, groupId: request.params.id });
    return reply.code(204).send(null);
  });
  api.post(
    '/network/groups/:id/members',
    { schema: { tags, summary: 'The founder adds a member; 409 when the group already has 10', params: IdParams, body: UserCodeBody, response: { 200: Group, ...conflictErrors } } },
    async (request) => {
      const { userId } = await me(request);
      return groupOut(await addGroupMember(kysely, { actorUserId: userId, groupId: request.params.id, userCode: request.body.user_code }));
    },
  );
  api.delete('/network/groups/:id/members/:memberId', { schema: { tags, summary: 'Leave (own id) or, as founder, remove a member', params: MemberParams, response: { 204: NoContent, ...conflictErrors } } }, async (request, reply) => {
    const { userId } = await me(request);
    await removeGroupMember(kysely, { actorUserId: userId, groupId: request.params.id, memberId: request.params.memberId });
    return reply.code(204).send(null);
  });

  api.get('/network/guilds', { schema: { tags, summary: 'The guilds the caller belongs to, with the caller’s role', response: { 200: items(GuildSummary), ...errors } } }, async (request) => {
    const { member } = await me(request);
    return { items: (await guildsOf(kysely, member.id)).map((g) => ({ id: g.id, name: g.name, role: g.role, member_count: g.memberCount })) };
  });
  api.post('/network/guilds', { schema: { tags, summary: 'Found a guild (the founder is its admin; it gets a bank)', body: GuildCreate, response: { 201: Guild, ...errors } } }, async (request, reply) => {
    const { userId } = await me(request);
    const guild = await createGuild(kysely, { actorUserId: userId, name: request.body.name, description: request.body.description });
    return reply.code(201).send(guildOut(await guildOfMember(kysely, { actorUserId: userId, guildId: guild.id })));
  });
  api.get('/network/guilds/:id', { schema: { tags, summary: 'One of the caller’s guilds with members, roles and bank balance', params: IdParams, response: { 200: Guild, ...errors } } }, async (request) => {
    const { userId } = await me(request);
    return guildOut(await guildOfMember(kysely, { actorUserId: userId, guildId: request.params.id }));
  });
  api.post(
    '/network/guilds/:id/members',
    { schema: { tags, summary: 'Admins and moderators take a member in', params: IdParams, body: UserCodeBody, response: { 200: Guild, ...conflictErrors } } },
    async (request) => {
      const { userId } = await me(request);
      await addGuildMember(kysely, { actorUserId: userId, guildId: request.params.id, userCode: request.body.user_code });
      return guildOut(await guildOfMember(kysely, { actorUserId: userId, guildId: request.params.id }));
    },
  );
  api.patch(
    '/network/guilds/:id/members/:memberId',
    { schema: { tags, summary: 'Change a member’s role (guild admins only; a guild keeps at least one admin)', params: MemberParams, body: RoleChange, response: { 200: Guild, ...conflictErrors } } },
    async (request) => {
      const { userId } = await me(request);
      await setGuildRole(kysely, { actorUserId: userId, guildId: request.params.id, memberId: request.params.memberId, role: request.body.role });
      return guildOut(await guildOfMember(kysely, { actorUserId: userId, guildId: request.params.id }));
    },
  );
  api.delete(
    '/network/guilds/:id/members/:memberId',
    { schema: { tags, summary: 'Leave (own id) or remove a member of lower rank', params: MemberParams, response: { 204: NoContent, ...conflictErrors } } },
    async (request, reply) => {
      const { userId } = await me(request);
      await removeGuildMember(kysely, { actorUserId: userId, guildId: request.params.id, memberId: request.params.memberId });
      return reply.code(204).send(null);
    },
  );
  for (const [path, summary, move] of [
    ['deposits', 'Pay from the caller’s inventory into the guild bank (any member)', depositToGuild],
    ['withdrawals', 'Pay out of the guild bank to a guild member (admins only)', withdrawFromGuild],
  ] as const) {
    api.post(`/network/guilds/:id/${path}`, { schema: { tags, summary, params: IdParams, body: BankMove, response: { 201: Transfer, ...conflictErrors } } }, async (request, reply) => {
      const { userId } = await me(request);
      const moved = await move(kysely, { actorUserId: userId, guildId: request.params.id, amountMicro: amountOf(request.body.amount), note: request.body.note, toMemberId: request.body.to_member_id });
      const guild = await guildOfMember(kysely, { actorUserId: userId, guildId: request.params.id });
      return reply.code(201).send({ transfer_id: moved.transferId, balance: formatDecimal(guild.bankBalanceMicro) });
    });
  }
}
