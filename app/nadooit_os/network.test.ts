import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { person } from '../nadooit_api_executions_system/testing/fixtures.js';
import { bookByStaff, ensureMember, getInventory, groupsOf, guildsOf } from '../nadooit_network/services/index.js';
import { networkPaths } from './paths-network.js';
import { clientAs } from './testing/session.js';

describeEachBackend('NADOOIT OS network pages', (h) => {
  const db = () => h().system.context.db.kysely;
  const client = async (userId: string) => clientAs(await h().app(), db(), h().settings, userId);

  it('a person joins on the first visit, sends money, adds a friend and founds a group; refusals come back as banners', async () => {
    const anna = await person(db(), { displayName: 'Anna <Admin>' });
    const ben = await person(db(), { displayName: 'Ben' });
    const c = await client(anna.userId);
    const first = await c.get(networkPaths.home);
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /id="network-balance">0,00 €/);
    assert.match(first.body, /href="\/nadooit-os\/network\/"/, 'the navigation leads to the network page');
    const member = await ensureMember(db(), anna.userId);
    await bookByStaff(db(), { actorUserId: null, asStaff: true, inventoryId: member.inventory_id, kind: 'credit', amountMicro: 5_000_000, note: 'Start' });
    const sent = await c.post(networkPaths.transfer, { to_user_code: ben.userCode, amount: '1,75', note: 'Danke' });
    assert.equal(sent.statusCode, 303);
    const after = await c.get(networkPaths.home);
    assert.match(after.body, /Überweisung ausgeführt/);
    assert.match(after.body, /id="network-balance">3,25 €/);
    assert.match(after.body, /Danke/);
    const refused = await c.post(networkPaths.transfer, { to_user_code: ben.userCode, amount: '100' });
    assert.equal(refused.headers['x-refused'], '409');
    assert.match((await c.get(networkPaths.home)).body, /Nicht genug Guthaben/);
    assert.equal(Number((await getInventory(db(), member.inventory_id))!.balance_micro), 3_250_000);

    await c.post(networkPaths.friends, { user_code: ben.userCode });
    await c.post(networkPaths.groups, { name: 'Lauftreff' });
    const page = await c.get(networkPaths.home);
    assert.match(page.body, /id="network-friends"[\s\S]*Ben/);
    assert.match(page.body, /Lauftreff/);
    assert.match(page.body, /1 von 10 Mitgliedern/);
    const english = await c.get(networkPaths.home, { 'accept-language': 'en' });
    assert.match(english.body, /Friends/);
    assert.equal((await groupsOf(db(), member.id)).length, 1);
  });

  it('guild page: only admins see role and payout forms; a plain member’s role change is refused; outsiders get 404', async () => {
    const admin = await person(db(), { displayName: 'Ada' });
    const plain = await person(db(), { displayName: 'Paul' });
    const outsider = await person(db(), { displayName: 'Otto' });
    const a = await client(admin.userId);
    await a.get(networkPaths.home);
    await a.post(networkPaths.guilds, { name: 'Gilde der Bots' });
    const [guild] = await guildsOf(db(), (await ensureMember(db(), admin.userId)).id);
    assert.equal((await a.post(networkPaths.guildMembers(guild!.id), { user_code: plain.userCode })).statusCode, 303);
    const adminPage = await a.get(networkPaths.guild(guild!.id));
    assert.equal(adminPage.statusCode, 200);
    assert.match(adminPage.body, /Mitglied aufgenommen/);
    assert.match(adminPage.body, /id="guild-withdraw"/);
    const p = await client(plain.userId);
    const plainPage = await p.get(networkPaths.guild(guild!.id));
    assert.doesNotMatch(plainPage.body, /id="guild-withdraw"/);
    const plainMember = await ensureMember(db(), plain.userId);
    const adminMember = await ensureMember(db(), admin.userId);
    const denied = await p.post(networkPaths.guildRole(guild!.id, adminMember.id), { role: 'member' });
    assert.equal(denied.headers['x-refused'], '403');
    assert.match((await p.get(networkPaths.guild(guild!.id))).body, /Nur Administratoren der Gilde ändern Rollen/);
    await a.post(networkPaths.guildRole(guild!.id, plainMember.id), { role: 'moderator' });
    assert.match((await a.get(networkPaths.guild(guild!.id))).body, new RegExp(`data-member-id="${plainMember.id}" data-role="moderator"`));
    const o = await client(outsider.userId);
    assert.equal((await o.get(networkPaths.guild(guild!.id))).statusCode, 404);
  });

  it('forms that take a user code are rate limited per person (codes sign people in and must not be searched)', async () => {
    const prober = await person(db(), { displayName: 'Probe' });
    const c = await client(prober.userId);
    await c.get(networkPaths.home);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await c.post(networkPaths.friends, { user_code: `NOPE${i}` })).statusCode);
    assert.deepEqual(statuses.slice(0, 30), Array(30).fill(303));
    assert.equal(statuses[30], 429);
  });
});
