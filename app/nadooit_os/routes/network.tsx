import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { parseMoney } from '../../core/admin/values.js';
import { InvalidInput } from '../../core/errors.js';
import { rateLimit } from '../../core/http/rate-limit.js';
import { requireUser } from '../../nadooit_auth/guards.js';
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
  groupsOf,
  guildOfMember,
  guildsOf,
  inventoryEntries,
  isGuildRole,
  removeFriend,
  removeGroupMember,
  removeGuildMember,
  sendMoney,
  setGuildRole,
  sharesIn,
  withdrawFromGuild,
} from '../../nadooit_network/services/index.js';
import { networkPaths } from '../paths-network.js';
import { GuildPage, NetworkPage } from '../views/network.js';
import { dashboardPage, uuidParam } from './context.js';
import { flashAction } from './flash-action.js';

const LEDGER_ROWS = 20;

/**
 * Forms that name someone by user code answer differently for codes that exist, and user codes sign people
 * in: 30 such requests per person and minute, so the forms cannot be used to search for codes.
 */
const userCodeLimit = { config: rateLimit({ max: 30, timeWindow: '1 minute', hook: 'preHandler', keyGenerator: (request) => `network-user-code:${request.user?.id ?? request.ip}` }) };

function form(request: FastifyRequest): Record<string, string> {
  const body = (request.body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
}

function amount(request: FastifyRequest, text: string | undefined): number {
  const micro = parseMoney(text ?? '');
  if (micro === null || micro <= 0) throw new InvalidInput(request.t('network.error.amount'), { field: 'amount' });
  return micro;
}

/**
 * "Netzwerk": every signed-in person's own inventory, friends, groups and guilds (joined on the first visit).
 * Nothing here needs a customer role — each action is the person's own, and the services enforce the rules
 * (group size, guild roles, atomic transfers) exactly as for the API.
 */
export function networkRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;
  const userId = (request: FastifyRequest) => requireUser(request).id;

  scope.get('/network/', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    const member = await ensureMember(db, userId(request));
    const [inventory, shares, entries, friends, groups, guilds] = await Promise.all([
      getInventory(db, member.inventory_id),
      sharesIn(db, member.inventory_id),
      inventoryEntries(db, member.inventory_id, { limit: LEDGER_ROWS }),
      friendsOf(db, member.id),
      groupsOf(db, member.id),
      guildsOf(db, member.id),
    ]);
    return reply.html(
      <NetworkPage ctx={ctx} viewer={viewer} member={member} inventory={inventory!} shares={shares} entries={entries} friends={friends} groups={groups} guilds={guilds} timeZone={app.settings.timeZone} />,
    );
  });

  const home = networkPaths.home;
  scope.post('/network/transfer', userCodeLimit, async (request, reply) => {
    const f = form(request);
    return flashAction(request, reply, home, request.t('network.send.done'), async () =>
      sendMoney(db, { actorUserId: userId(request), toUserCode: f.to_user_code ?? '', amountMicro: amount(request, f.amount), note: f.note }),
    );
  });
  scope.post('/network/friends', userCodeLimit, async (request, reply) =>
    flashAction(request, reply, home, request.t('network.friends.added'), () => addFriend(db, { actorUserId: userId(request), userCode: form(request).user_code ?? '' })),
  );
  scope.post('/network/friends/:memberId/remove', async (request, reply) =>
    flashAction(request, reply, home, request.t('network.removed'), () => removeFriend(db, { actorUserId: userId(request), friendMemberId: uuidParam(request, 'memberId') })),
  );
  scope.post('/network/groups', async (request, reply) => {
    await ensureMember(db, userId(request));
    return flashAction(request, reply, home, request.t('network.groups.created'), () => createGroup(db, { actorUserId: userId(request), name: form(request).name ?? '' }));
  });
  scope.post('/network/groups/:groupId/members', userCodeLimit, async (request, reply) =>
    flashAction(request, reply, home, request.t('network.groups.added'), () =>
      addGroupMember(db, { actorUserId: userId(request), groupId: uuidParam(request, 'groupId'), userCode: form(request).user_code ?? '' }),
    ),
  );
  scope.post('/network/groups/:groupId/members/:memberId/remove', async (request, reply) =>
    flashAction(request, reply, home, request.t('network.removed'), () =>
      removeGroupMember(db, { actorUserId: userId(request), groupId: uuidParam(request, 'groupId'), memberId: uuidParam(request, 'memberId') }),
    ),
  );
  scope.post('/network/groups/:groupId/delete', async (request, reply) =>
    flashAction(request, reply, home, request.t('network.groups.deleted'), () => deleteGroup(db, { actorUserId: userId(request), groupId: uuidParam(request, 'groupId') })),
  );
  scope.post('/network/guilds', async (request, reply) => {
    await ensureMember(db, userId(request));
    return flashAction(request, reply, home, request.t('network.guilds.created'), () => createGuild(db, { actorUserId: userId(request), name: form(request).name ?? '' }));
  });

  scope.get('/network/guilds/:guildId', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    await ensureMember(db, userId(request));
    const guild = await guildOfMember(db, { actorUserId: userId(request), guildId: uuidParam(request, 'guildId') });
    return reply.html(<GuildPage ctx={ctx} viewer={viewer} guild={guild} />);
  });
  const guildAction = (path: string, success: string, run: (request: FastifyRequest, guildId: string) => Promise<unknown>) =>
    scope.post(`/network/guilds/:guildId${path}`, path === '/members' ? userCodeLimit : {}, async (request, reply) => {
      const guildId = uuidParam(request, 'guildId');
      // Leaving a guild leaves its page too.
      const back = path.endsWith('/remove') && (request.params as { memberId: string }).memberId === (await ensureMember(db, userId(request))).id ? home : networkPaths.guild(guildId);
      return flashAction(request, reply, back, request.t(success), () => run(request, guildId));
    });
  guildAction('/members', 'network.guild.added', (request, guildId) => addGuildMember(db, { actorUserId: userId(request), guildId, userCode: form(request).user_code ?? '' }));
  guildAction('/members/:memberId/role', 'network.guild.role.changed', async (request, guildId) => {
    const role = form(request).role;
    if (!isGuildRole(role)) throw new InvalidInput('Unbekannte Gildenrolle.');
    return setGuildRole(db, { actorUserId: userId(request), guildId, memberId: uuidParam(request, 'memberId'), role });
  });
  guildAction('/members/:memberId/remove', 'network.removed', (request, guildId) => removeGuildMember(db, { actorUserId: userId(request), guildId, memberId: uuidParam(request, 'memberId') }));
  guildAction('/deposit', 'network.guild.deposited', (request, guildId) => depositToGuild(db, { actorUserId: userId(request), guildId, amountMicro: amount(request, form(request).amount) }));
  guildAction('/withdraw', 'network.guild.withdrawn', (request, guildId) => {
    const f = form(request);
    return withdrawFromGuild(db, { actorUserId: userId(request), guildId, amountMicro: amount(request, f.amount), toMemberId: f.to_member_id || undefined });
  });
}
