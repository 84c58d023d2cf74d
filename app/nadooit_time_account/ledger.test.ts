import { it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describeEachBackend } from '../../test/support/harness.js';
import type { CommandIO } from '../core/cli/registry.js';
import { Conflict, InvalidInput, NotFound } from '../core/errors.js';
import { makeUser } from '../nadooit_hr/testing.js';
import { checkLedgerCommand } from './commands.js';
import { balanceOf, correct, createTimeAccount, drawForBooking, ledgerEntries, ledgerPage, recordOpeningBalances, refund, topUp, verifyLedger } from './ledger.js';

function captureIO() {
  const lines: string[] = [];
  const io: CommandIO = { out: (l) => lines.push(l), err: (l) => lines.push(l), prompt: async () => '', interactive: false };
  return { io, lines };
}

describeEachBackend('time-account ledger', (h) => {
  const db = () => h().system.context.db.kysely;
  const sumOfEntries = async (id: string) => (await ledgerEntries(db(), id, { limit: 1000 })).reduce((s, e) => s + Number(e.seconds), 0);

  it('an opening balance is an entry; top-up, correction, draw and refund each write one entry with balance_after', async () => {
    const author = await makeUser(db());
    const { id } = await createTimeAccount(db(), { name: 'Konto', openingBalanceSeconds: 100, authorUserId: author.id });
    assert.deepEqual((await topUp(db(), { timeAccountId: id, seconds: 50, note: 'Paket S', reference: 'RE-1', authorUserId: author.id })).balanceAfter, 150);
    assert.equal((await correct(db(), { timeAccountId: id, seconds: -20, reason: 'Doppelt gebucht', authorUserId: author.id })).balanceAfter, 130);
    const execution = randomUUID();
    const draw = await drawForBooking(db(), { timeAccountId: id, seconds: 30, executionId: execution });
    assert.deepEqual([draw.drawnSeconds, draw.balanceAfter], [30, 100]);
    assert.equal((await refund(db(), { timeAccountId: id, seconds: 30, executionId: execution, note: 'Reklamation' })).balanceAfter, 130);
    const entries = (await ledgerEntries(db(), id)).reverse();
    assert.deepEqual(
      entries.map((e) => [e.kind, Number(e.seconds), Number(e.balance_after)]),
      [['opening', 100, 100], ['top_up', 50, 150], ['correction', -20, 130], ['booking', -30, 100], ['refund', 30, 130]],
    );
    assert.equal(entries[1]!.reference, 'RE-1');
    assert.equal(entries[2]!.note, 'Doppelt gebucht');
    assert.equal(entries[2]!.author_user_id, author.id);
    assert.equal(entries[3]!.execution_id, execution);
    assert.deepEqual((await ledgerEntries(db(), id, { beforeSeq: 3 })).map((e) => Number(e.seq)), [2, 1]);
    assert.equal(await balanceOf(db(), id), await sumOfEntries(id));
    assert.deepEqual(await verifyLedger(db()), []);
  });

  it('ledgerPage pages by sequence number: entries of the same millisecond are neither skipped nor repeated', async () => {
    const { id } = await createTimeAccount(db(), { name: 'Takt', openingBalanceSeconds: 1 });
    for (let i = 0; i < 6; i++) await topUp(db(), { timeAccountId: id, seconds: 10 + i, authorUserId: null });
    // All seven entries in one millisecond, as a burst of bookings can write them.
    await db().updateTable('ta_ledger_entries').set({ created_at: '2025-03-01T10:00:00.000Z' }).where('time_account_id', '=', id).execute();
    const seen: number[] = [];
    let beforeSeq: number | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await ledgerPage(db(), id, { limit: 3, beforeSeq });
      seen.push(...page.entries.map((e) => Number(e.seq)));
      if (page.nextBeforeSeq === null) break;
      beforeSeq = page.nextBeforeSeq;
    }
    assert.deepEqual(seen, [7, 6, 5, 4, 3, 2, 1]);
    assert.deepEqual(await ledgerPage(db(), id, { limit: 7 }).then((p) => p.nextBeforeSeq), null, 'an exactly full last page has no next page');
  });

  it('a draw takes min(balance, seconds) and never goes negative; an empty account draws 0 without an entry', async () => {
    const { id } = await createTimeAccount(db(), { name: null, openingBalanceSeconds: 100 });
    const first = await drawForBooking(db(), { timeAccountId: id, seconds: 300, executionId: randomUUID() });
    assert.deepEqual([first.drawnSeconds, first.balanceAfter], [100, 0]);
    const second = await drawForBooking(db(), { timeAccountId: id, seconds: 10, executionId: randomUUID() });
    assert.deepEqual(second, { drawnSeconds: 0, balanceAfter: 0, entryId: null });
    assert.equal((await ledgerEntries(db(), id)).length, 2);
  });

  it('refuses invalid amounts, negative results, missing reasons and unknown accounts', async () => {
    const { id } = await createTimeAccount(db(), { name: 'x', openingBalanceSeconds: 10 });
    await assert.rejects(topUp(db(), { timeAccountId: id, seconds: 0, authorUserId: null }), InvalidInput);
    await assert.rejects(topUp(db(), { timeAccountId: id, seconds: -5, authorUserId: null }), InvalidInput);
    await assert.rejects(topUp(db(), { timeAccountId: id, seconds: 1.5, authorUserId: null }), InvalidInput);
    await assert.rejects(correct(db(), { timeAccountId: id, seconds: -11, reason: 'zu viel', authorUserId: null }), Conflict);
    await assert.rejects(correct(db(), { timeAccountId: id, seconds: 5, reason: '  ', authorUserId: null }), InvalidInput);
    await assert.rejects(drawForBooking(db(), { timeAccountId: id, seconds: -1, executionId: randomUUID() }), InvalidInput);
    await assert.rejects(topUp(db(), { timeAccountId: randomUUID(), seconds: 5, authorUserId: null }), NotFound);
    await assert.rejects(drawForBooking(db(), { timeAccountId: 'nope', seconds: 5, executionId: randomUUID() }), NotFound);
    assert.equal(await balanceOf(db(), id), 10);
    assert.equal((await ledgerEntries(db(), id)).length, 1);
  });

  it('a refund credits at most what was drawn for that execution (partly covered booking: only the covered part)', async () => {
    const { id } = await createTimeAccount(db(), { name: 'x', openingBalanceSeconds: 40 });
    const execution = randomUUID();
    const draw = await drawForBooking(db(), { timeAccountId: id, seconds: 100, executionId: execution });
    assert.equal(draw.drawnSeconds, 40);
    await assert.rejects(refund(db(), { timeAccountId: id, seconds: 100, executionId: execution }), Conflict);
    await refund(db(), { timeAccountId: id, seconds: 25, executionId: execution });
    await assert.rejects(refund(db(), { timeAccountId: id, seconds: 16, executionId: execution }), Conflict);
    await refund(db(), { timeAccountId: id, seconds: 15, executionId: execution });
    await assert.rejects(refund(db(), { timeAccountId: id, seconds: 1, executionId: randomUUID() }), Conflict);
    assert.equal(await balanceOf(db(), id), 40);
  });

  it('verifyLedger and `manage check_ledger` detect a tampered balance or last seq', async () => {
    const { id } = await createTimeAccount(db(), { name: 'Manipuliert', openingBalanceSeconds: 500 });
    const clean = captureIO();
    assert.equal(await checkLedgerCommand.run({ values: {}, positionals: [] }, h().system.context, clean.io), 0);
    assert.match(clean.lines.join('\n'), /Ledger OK/);
    await db().updateTable('ta_time_accounts').set({ balance_seconds: 600 }).where('id', '=', id).execute();
    assert.deepEqual(await verifyLedger(db()), [{ timeAccountId: id, name: 'Manipuliert', balanceSeconds: 600, ledgerSeconds: 500, lastSeq: 1, ledgerLastSeq: 1 }]);
    const dirty = captureIO();
    assert.equal(await checkLedgerCommand.run({ values: {}, positionals: [] }, h().system.context, dirty.io), 1);
    assert.match(dirty.lines.join('\n'), new RegExp(`${id}.*balance 600 s, entries sum 500 s`));
    await db().updateTable('ta_time_accounts').set({ balance_seconds: 500, last_seq: 7 }).where('id', '=', id).execute();
    assert.deepEqual(await verifyLedger(db()), [{ timeAccountId: id, name: 'Manipuliert', balanceSeconds: 500, ledgerSeconds: 500, lastSeq: 7, ledgerLastSeq: 1 }]);
    const skewed = captureIO();
    assert.equal(await checkLedgerCommand.run({ values: {}, positionals: [] }, h().system.context, skewed.io), 1);
    assert.match(skewed.lines.join('\n'), /last seq 7, newest entry 1/);
    await db().updateTable('ta_time_accounts').set({ last_seq: 1 }).where('id', '=', id).execute();
  });

  it('imported balances without entries get one opening entry (idempotent)', async () => {
    const id = randomUUID();
    const now = new Date().toISOString();
    await db()
      .insertInto('ta_time_accounts')
      .values({ id, name: 'Import', balance_seconds: 7200, is_active: true, low_balance_threshold_seconds: null, created_at: now, updated_at: now })
      .execute();
    assert.equal((await verifyLedger(db())).length, 1);
    assert.equal(await recordOpeningBalances(db()), 1);
    assert.equal(await recordOpeningBalances(db()), 0);
    assert.deepEqual(await verifyLedger(db()), []);
    assert.deepEqual((await ledgerEntries(db(), id)).map((e) => [e.kind, Number(e.seconds)]), [['opening', 7200]]);
  });

  it('600 concurrent draws against one account: balance = start − sum(drawn), never negative, ledger consistent', async () => {
    const start = 15_000;
    const { id } = await createTimeAccount(db(), { name: 'Last', openingBalanceSeconds: start });
    const requests = Array.from({ length: 600 }, (_, i) => 1 + (i % 60));
    const results = await Promise.all(requests.map((seconds) => drawForBooking(db(), { timeAccountId: id, seconds, executionId: randomUUID() })));
    const drawn = results.reduce((s, r) => s + r.drawnSeconds, 0);
    const requested = requests.reduce((s, r) => s + r, 0);
    assert.ok(requested > start, 'the test must exhaust the account');
    assert.equal(drawn, start);
    assert.equal(await balanceOf(db(), id), start - drawn);
    assert.ok(results.every((r) => r.balanceAfter >= 0 && r.drawnSeconds <= requests[results.indexOf(r)]!));
    // every full draw got exactly what it asked for; at most one draw was clamped
    assert.ok(results.filter((r, i) => r.drawnSeconds > 0 && r.drawnSeconds < requests[i]!).length <= 1);
    assert.equal(await sumOfEntries(id), start - drawn);
    const entries = await ledgerEntries(db(), id, { limit: 1000 });
    const balances = entries.map((e) => Number(e.balance_after)).sort((a, b) => a - b);
    assert.equal(new Set(balances).size, balances.length, 'each entry saw a distinct balance (no lost update)');
    // seq numbers run 1..n without gaps, and in seq order the balance only falls
    assert.deepEqual(entries.map((e) => Number(e.seq)).reverse(), Array.from({ length: entries.length }, (_, i) => i + 1));
    assert.ok(entries.every((e, i) => i === 0 || Number(e.balance_after) > Number(entries[i - 1]!.balance_after)));
    assert.deepEqual(await verifyLedger(db()), []);
  });

  it('concurrent top-ups, draws and refunds keep balance = sum(entries)', async () => {
    const { id } = await createTimeAccount(db(), { name: 'Gemischt', openingBalanceSeconds: 1000 });
    const executions = Array.from({ length: 100 }, () => randomUUID());
    await Promise.all(executions.map((e) => drawForBooking(db(), { timeAccountId: id, seconds: 7, executionId: e })));
    await Promise.all([
      ...executions.map((e) => refund(db(), { timeAccountId: id, seconds: 7, executionId: e })),
      ...Array.from({ length: 100 }, () => topUp(db(), { timeAccountId: id, seconds: 3, authorUserId: null })),
      ...Array.from({ length: 100 }, () => drawForBooking(db(), { timeAccountId: id, seconds: 5, executionId: randomUUID() })),
    ]);
    assert.equal(await balanceOf(db(), id), 1000 + 300 - 500);
    assert.equal(await sumOfEntries(id), 800);
  });

  it('concurrent refunds of one execution never credit more than was drawn', async () => {
    const { id } = await createTimeAccount(db(), { name: 'Erstattung', openingBalanceSeconds: 50 });
    const execution = randomUUID();
    await drawForBooking(db(), { timeAccountId: id, seconds: 50, executionId: execution });
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => refund(db(), { timeAccountId: id, seconds: 10, executionId: execution })));
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 5);
    assert.ok(outcomes.every((o) => o.status === 'fulfilled' || o.reason instanceof Conflict));
    assert.equal(await balanceOf(db(), id), 50);
  });
});
