import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { CompiledQuery } from 'kysely';
import { flavorOf } from '../../core/db/connection.js';
import type { DB } from '../../core/db/connection.js';
import { transaction } from '../../core/db/transaction.js';
import { describeEachBackend } from '../../../test/support/harness.js';
import { insertSyntheticExecutions } from '../testing/bulk.js';
import { bookingWorld, person } from '../testing/fixtures.js';
import type { BookingWorld } from '../testing/fixtures.js';
import { CSV_HEADER, csvCell, exportExecutionsCsv } from './csv.js';
import { decodeCursor, exportRowBatches, listExecutions, listPageQuery, sumExecutions, sumsQuery } from './queries.js';

const JAN = new Date('2025-01-01T00:00:00.000Z');
const FEB = new Date('2025-02-01T00:00:00.000Z');
const MAR = new Date('2025-03-01T00:00:00.000Z');

/**
 * The database's plan for a query, one line per step. PostgreSQL is told to avoid whole-table and bitmap
 * scans, as it would on a table of realistic size (the test's few rows would fit one page).
 */
async function planOf(db: DB, query: CompiledQuery): Promise<string> {
  if (flavorOf(db) === 'sqlite') {
    const { rows } = await db.executeQuery<{ detail: string }>({ ...query, sql: `explain query plan ${query.sql}` });
    return rows.map((r) => r.detail).join('\n');
  }
  return transaction(db, async (tx) => {
    await sql`set local enable_seqscan = off`.execute(tx);
    await sql`set local enable_bitmapscan = off`.execute(tx);
    const { rows } = await tx.executeQuery<{ 'QUERY PLAN': string }>({ ...query, sql: `explain ${query.sql}` });
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

describeEachBackend('executions: lists with cursor, sums, CSV export', (h) => {
  const db = () => h().system.context.db.kysely;
  let a: BookingWorld;
  let b: BookingWorld;

  // Read-only for every test: 1200 bookings for A (Jan + Feb), 50 for B.
  before(async () => {
    a = await bookingWorld(db(), { customerName: 'Kunde A' });
    b = await bookingWorld(db(), { customerName: 'Kunde B' });
    const target = (w: BookingWorld) => ({ customerId: w.customerId, customerProgramId: w.customerProgramId, programId: w.programId });
    await insertSyntheticExecutions(db(), target(a), { count: 700, from: JAN, to: FEB });
    await insertSyntheticExecutions(db(), target(a), { count: 500, from: FEB, to: MAR });
    await insertSyntheticExecutions(db(), target(b), { count: 50, from: JAN, to: MAR });
  });

  it('a long export lets other work run between its pages (the server never freezes on it)', async () => {
    let finished = false;
    let otherWorkRanDuringExport = false;
    setImmediate(() => {
      otherWorkRanDuringExport = !finished;
    });
    let rows = 0;
    for await (const batch of exportRowBatches(db(), { customerIds: [a.customerId] }, 100)) rows += batch.length;
    finished = true;
    assert.equal(rows, 1200);
    assert.ok(otherWorkRanDuringExport, 'a callback queued before the export ran before its last page');
  });

  it('pages newest first through every row exactly once, and never shows another customer', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let last = '9999';
    do {
      const page = await listExecutions(db(), { customerIds: [a.customerId] }, { limit: 97, cursor });
      for (const item of page.items) {
        assert.equal(item.customer_id, a.customerId);
        assert.ok(item.created_at <= last);
        last = item.created_at;
        seen.push(item.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 1200);
    assert.equal(new Set(seen).size, 1200);
    const first = await listExecutions(db(), { customerIds: [a.customerId] }, { limit: 1 });
    assert.equal(first.items[0]!.program_name, 'Rechnungseingang automatisiert');
  });

  it('filters by period [from, to), status and program; an empty scope matches nothing', async () => {
    const feb = await sumExecutions(db(), { customerIds: [a.customerId], from: FEB.toISOString(), to: MAR.toISOString() });
    assert.equal(feb.count, 500);
    const open = await listExecutions(db(), { customerIds: [a.customerId], statuses: ['NOT_PAID'] }, { limit: 500 });
    assert.ok(open.items.length > 0 && open.items.every((i) => i.payment_status === 'NOT_PAID'));
    assert.equal((await sumExecutions(db(), { customerIds: [a.customerId], customerProgramIds: [b.customerProgramId] })).count, 0);
    assert.equal((await sumExecutions(db(), { customerIds: [] })).count, 0);
    assert.equal((await listExecutions(db(), { customerIds: [] })).items.length, 0);
  });

  it('sums agree with the rows, per status and per currency', async () => {
    const rows = await db().selectFrom('ex_executions').selectAll().where('customer_id', '=', a.customerId).execute();
    const sums = await sumExecutions(db(), { customerIds: [a.customerId] });
    assert.equal(sums.count, rows.length);
    assert.equal(sums.timeSavedSeconds, rows.reduce((s, r) => s + Number(r.time_saved_seconds), 0));
    assert.equal(sums.coveredSeconds + sums.billableSeconds, sums.timeSavedSeconds);
    const charged = rows.filter((r) => r.payment_status === 'NOT_PAID' || r.payment_status === 'PAID').reduce((s, r) => s + Number(r.price), 0);
    assert.deepEqual(sums.price, { EUR: charged });
    assert.deepEqual(sums.openPrice, { EUR: rows.filter((r) => r.payment_status === 'NOT_PAID').reduce((s, r) => s + Number(r.price), 0) });
    assert.equal(sums.byStatus.REVOKED.count, rows.filter((r) => r.payment_status === 'REVOKED').length);
  });

  it("one customer's pages and sums read its one index: the pages in order without a sort, the sums without the table", async () => {
    const mine = { customerIds: [a.customerId] };
    const first = await listExecutions(db(), mine, { limit: 50 });
    const pages = [listPageQuery(db(), mine, 50), listPageQuery(db(), mine, 50, first.nextCursor)];
    for (const page of pages) {
      const plan = await planOf(db(), page.compile());
      assert.match(plan, /ex_executions_customer_idx/, plan);
      assert.doesNotMatch(plan, /TEMP B-TREE|Sort|Seq Scan|\bSCAN x\b/, plan);
    }
    const sums = await planOf(db(), sumsQuery(db(), { ...mine, from: JAN.toISOString(), to: FEB.toISOString() }).compile());
    assert.match(sums, /ex_executions_customer_idx/, sums);
    assert.doesNotMatch(sums, /Seq Scan|\bSCAN x\b/, sums);
    if (h().backend === 'sqlite') assert.match(sums, /COVERING INDEX ex_executions_customer_idx/, sums);
  });

  it('a forged cursor is ignored rather than trusted', () => {
    assert.equal(decodeCursor('not-base64-json'), null);
    assert.equal(decodeCursor(Buffer.from('["x","y"]').toString('base64url')), null);
  });

  it('CSV: the original columns plus status, every row of the period, streamed in chunks', async () => {
    const manager = await person(db(), { customerId: a.customerId, roles: { customer_program_execution_manager: [] } });
    const lines = await exportExecutionsCsv(db(), { actorUserId: manager.userId, customerId: a.customerId, from: JAN.toISOString(), to: FEB.toISOString() });
    const chunks: string[] = [];
    for await (const chunk of lines) chunks.push(chunk);
    assert.ok(chunks.length >= 2); // the header, then one chunk per snapshot batch
    const text = chunks.join('');
    const rows = text.trimEnd().split('\r\n');
    assert.equal(rows[0], 'id,Programmname,erspaarte Zeit,Preis,Erstellt,Status');
    assert.equal(rows.length, 701);
    assert.match(rows[1]!, /^[0-9a-f-]{36},Rechnungseingang automatisiert,\d+,\d+\.\d{6},2025-01-\d\dT[\d:.]+Z,(NOT_PAID|PAID|REVOKED|REFUNDED)$/);
    assert.deepEqual([...CSV_HEADER], rows[0]!.split(','));
  });

  it('CSV only for the customer\'s own execution managers (fix S4)', async () => {
    const otherManager = await person(db(), { customerId: b.customerId, roles: { customer_program_execution_manager: ['can_give_manager_role'] } });
    const employee = await person(db(), { customerId: a.customerId });
    const formerManager = await person(db(), { customerId: a.customerId, contractActive: false, roles: { customer_program_execution_manager: [] } });
    for (const actor of [otherManager, employee, formerManager]) {
      await assert.rejects(exportExecutionsCsv(db(), { actorUserId: actor.userId, customerId: a.customerId }), (e: Error & { statusCode?: number }) => e.statusCode === 403);
    }
  });

  it('CSV cells are quoted and formula-safe', () => {
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell(300), '300');
  });
});
