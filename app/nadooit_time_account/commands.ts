import type { CommandDefinition } from '../core/cli/registry.js';
import { recordOpeningBalances, verifyLedger } from './ledger.js';

/** `manage check_ledger`: every balance must equal the sum of its ledger entries; exit 1 on a mismatch. */
export const checkLedgerCommand: CommandDefinition = {
  name: 'check_ledger',
  summary: 'Verify that every time-account balance equals the sum of its ledger entries (and its last seq the newest entry\'s)',
  options: { 'record-opening': { type: 'boolean', default: false } },
  async run(input, { db }, io) {
    if (input.values['record-opening']) {
      const count = await recordOpeningBalances(db.kysely);
      io.out(`Opening entries written for ${count} imported account(s).`);
    }
    const mismatches = await verifyLedger(db.kysely);
    if (mismatches.length === 0) {
      io.out('Ledger OK: every balance equals the sum of its entries.');
      return 0;
    }
    io.err(`Ledger MISMATCH in ${mismatches.length} account(s):`);
    for (const m of mismatches) {
      const seq = m.lastSeq === m.ledgerLastSeq ? '' : `; last seq ${m.lastSeq}, newest entry ${m.ledgerLastSeq}`;
      io.err(`  ${m.timeAccountId} ${m.name ?? ''}: balance ${m.balanceSeconds} s, entries sum ${m.ledgerSeconds} s (diff ${m.balanceSeconds - m.ledgerSeconds} s)${seq}`);
    }
    return 1;
  },
};
