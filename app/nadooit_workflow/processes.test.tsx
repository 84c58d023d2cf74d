import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { giveRole, makeCustomer, makeUser } from '../nadooit_hr/testing.js';
import { createProgram } from '../nadooit_program/services.js';
import { customerProcessChain, processChain } from './chain.js';
import { layoutChain, ProcessChainDiagram } from './diagram.js';
import { createProcess, deleteProcess, getProcess, processesOfCustomer, updateProcess } from './processes.js';

const STAFF = { actorUserId: null, asStaff: true } as const;
const refused = (status: number) => (e: Error & { statusCode?: number }) => e.statusCode === status;

it('layout: a process sits right of the furthest process that triggers it; cycles are still drawn', () => {
  const n = (id: string) => ({ id, name: id, programs: [] });
  const placed = layoutChain([n('A'), n('B'), n('C'), n('D'), n('X'), n('Y')], [
    { from: 'A', to: 'B' },
    { from: 'B', to: 'C' },
    { from: 'A', to: 'C' },
    { from: 'C', to: 'D' },
    { from: 'X', to: 'Y' },
    { from: 'Y', to: 'X' },
  ]);
  const layer = Object.fromEntries(placed.map((p) => [p.id, p.layer]));
  assert.deepEqual([layer.A, layer.B, layer.C, layer.D], [0, 1, 2, 3]);
  assert.ok(layer.X! > 3 && layer.Y! > 3 && layer.X !== layer.Y, 'the cycle gets columns of its own');
});

it('diagram: names are escaped, arrows drawn, the selected process highlighted', async () => {
  const svg = await (
    <ProcessChainDiagram
      title="Prozesskette"
      emptyText="leer"
      highlight="b"
      nodes={[
        { id: 'a', name: '<script>alert(1)</script>', programs: ['Bot & Co'] },
        { id: 'b', name: 'Rechnung', programs: [] },
      ]}
      edges={[{ from: 'a', to: 'b' }]}
    />
  );
  assert.ok(svg.startsWith('<svg'));
  assert.ok(!svg.includes('<script>'));
  assert.ok(svg.includes('&lt;script'));
  assert.ok(svg.includes('Bot &amp; Co'));
  assert.equal(svg.match(/<line /g)?.length, 1);
  assert.equal(svg.match(/fill="#cfe2ff"/g)?.length, 1);
  assert.equal(await (<ProcessChainDiagram title="t" emptyText="Keine Prozesse" nodes={[]} edges={[]} />), '<p class="text-muted">Keine Prozesse</p>');
});

describeEachBackend('process definitions per customer', (h) => {
  const db = () => h().system.context.db.kysely;

  async function scene() {
    const customer = await makeCustomer(db());
    const other = await makeCustomer(db());
    const editor = await makeUser(db());
    await giveRole(db(), editor, customer, 'customer_program_manager', ['can_create_customer_program']);
    const reader = await makeUser(db());
    await giveRole(db(), reader, customer, 'customer_program_manager', []);
    const outsider = await makeUser(db());
    await giveRole(db(), outsider, other, 'customer_program_manager', ['can_create_customer_program', 'can_delete_customer_program']);
    const program = await createProgram(db(), { name: 'Rechnungsbot', description: '' });
    return { customer, other, editor, reader, outsider, program };
  }

  it('program managers with the ability create and change; readers read; other customers nothing', async () => {
    const { customer, editor, reader, outsider, program } = await scene();
    const intake = await createProcess(db(), { actorUserId: editor.id, customerId: customer, name: 'Posteingang', description: 'Briefe scannen', programIds: [program.id] });
    const booking = await createProcess(db(), { actorUserId: editor.id, customerId: customer, name: 'Buchung', triggerProcessId: intake.id });
    const archive = await createProcess(db(), { actorUserId: editor.id, customerId: customer, name: 'Archiv' });
    await updateProcess(db(), { actorUserId: editor.id, id: booking.id, name: 'Buchung', triggerProcessId: intake.id, triggersIds: [archive.id] });
    await assert.rejects(createProcess(db(), { actorUserId: reader.id, customerId: customer, name: 'x' }), refused(403));
    await assert.rejects(getProcess(db(), { actorUserId: outsider.id, id: intake.id }), refused(403));
    await assert.rejects(updateProcess(db(), { actorUserId: outsider.id, id: intake.id, name: 'gekapert' }), refused(403));
    const list = await processesOfCustomer(db(), { actorUserId: reader.id, customerId: customer });
    assert.deepEqual(list.map((p) => p.name), ['Archiv', 'Buchung', 'Posteingang']);
    const { chain } = await customerProcessChain(db(), { actorUserId: reader.id, customerId: customer });
    assert.deepEqual(
      chain.edges.map((e) => [e.from, e.to]).sort(),
      [
        [intake.id, booking.id],
        [booking.id, archive.id],
      ].sort(),
    );
    assert.deepEqual(chain.nodes.find((n) => n.id === intake.id)!.programs, ['Rechnungsbot']);
    const around = await processChain(db(), { actorUserId: reader.id, id: archive.id });
    assert.equal(around.chain.nodes.length, 3);
  });

  it('links stay within the customer, never to the process itself; bad input is refused with the field', async () => {
    const { customer, other, editor, outsider } = await scene();
    const foreign = await createProcess(db(), { actorUserId: outsider.id, customerId: other, name: 'Fremd' });
    const own = await createProcess(db(), { actorUserId: editor.id, customerId: customer, name: 'Eigen' });
    await assert.rejects(createProcess(db(), { actorUserId: editor.id, customerId: customer, name: 'x', triggerProcessId: foreign.id }), refused(400));
    await assert.rejects(updateProcess(db(), { actorUserId: editor.id, id: own.id, name: 'Eigen', triggersIds: [own.id] }), refused(400));
    await assert.rejects(createProcess(db(), { actorUserId: editor.id, customerId: customer, name: '   ' }), refused(400));
    await assert.rejects(createProcess(db(), { actorUserId: editor.id, customerId: customer, name: 'x', programIds: ['not-a-uuid'] }), refused(400));
    await assert.rejects(createProcess(db(), { ...STAFF, customerId: customer, name: 'x', programIds: [foreign.id] }), refused(400));
    assert.equal((await processesOfCustomer(db(), { ...STAFF, customerId: customer })).length, 1, 'refused creations left nothing behind');
  });

  it('delete needs can_delete_customer_program; processes it triggered lose the reference', async () => {
    const { customer, editor } = await scene();
    const first = await createProcess(db(), { actorUserId: editor.id, customerId: customer, name: 'Erster' });
    const second = await createProcess(db(), { actorUserId: editor.id, customerId: customer, name: 'Zweiter', triggerProcessId: first.id });
    await assert.rejects(deleteProcess(db(), { actorUserId: editor.id, id: first.id }), refused(403));
    await deleteProcess(db(), { ...STAFF, id: first.id });
    assert.equal((await getProcess(db(), { ...STAFF, id: second.id })).trigger_process_id, null);
    await assert.rejects(getProcess(db(), { ...STAFF, id: first.id }), refused(404));
  });
});
