import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { createStaff, listedIds, staffLogin } from '../../test/e2e/admin-support.js';
import { makeUser } from '../nadooit_hr/testing.js';
import { createGroup, createGuild, ensureMember, getInventory, inventoryEntries } from './services/index.js';

const ADMIN = '/admin/nadooit_network';

describeEachBackend('network admin', (h) => {
  const db = () => h().system.context.db.kysely;

  it('staff credit and correct an inventory through the ledger and browse every network page', async () => {
    const client = await staffLogin(await h().app(), await createStaff(db(), h().settings, { superuser: true }));
    const user = await makeUser(db());
    const added = await client.post(`${ADMIN}/members/add`, { user_id: user.id });
    assert.equal(added.statusCode, 303, added.body);
    const member = await ensureMember(db(), user.id);
    await createGroup(db(), { actorUserId: user.id, name: 'Gruppe' });
    await createGuild(db(), { actorUserId: user.id, name: 'Gilde' });
    const credit = await client.post(`${ADMIN}/inventories/action`, { action: 'credit', ids: member.inventory_id, confirm: '1', amount: '12,50', note: 'Startguthaben' });
    assert.equal(credit.statusCode, 303, credit.body);
    const refused = await client.post(`${ADMIN}/inventories/action`, { action: 'correct', ids: member.inventory_id, confirm: '1', amount: '-20', note: 'zu viel' });
    assert.match(refused.body, /ins Minus/);
    assert.equal(Number((await getInventory(db(), member.inventory_id))!.balance_micro), 12_500_000);
    assert.deepEqual((await inventoryEntries(db(), member.inventory_id)).map((e) => [e.kind, e.amount_micro]), [['credit', 12_500_000]]);
    for (const model of ['members', 'inventories', 'inventory_entries', 'groups', 'group_members', 'guilds', 'guild_members']) {
      const list = await client.get(`${ADMIN}/${model}/`);
      assert.equal(list.statusCode, 200, model);
      const [first] = listedIds(list.body);
      assert.ok(first, `${model} lists a row`);
      assert.equal((await client.get(`${ADMIN}/${model}/${first}/`)).statusCode, 200, `${model} detail`);
    }
    assert.equal((await client.get(`${ADMIN}/inventory_entries/add`)).statusCode, 403, 'the ledger is never written by hand');
  });
});
