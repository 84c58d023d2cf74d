import type { AppContext, AppModule } from '../core/app-module.js';
import { timeAccountMigrations } from './migrations/0001_time_accounts.js';
import { ledgerExecutionIndex } from './migrations/0002_ledger_execution_index.js';
import { accountLastSeq, ledgerSequence } from './migrations/0003_ledger_sequence.js';
import { topUpRequestMigrations } from './migrations/0004_top_up_requests.js';
import { workTimeMigrations } from './migrations/0006_work_time.js';
import { checkLedgerCommand } from './commands.js';
import './models.js';
import './work-time/models.js';
import { workTimeMessages } from './work-time/messages.js';

export function nadooitTimeAccountApp(_context: () => AppContext): AppModule {
  return {
    name: 'nadooit_time_account',
    dependsOn: ['nadooit_auth', 'nadooit_crm', 'nadooit_hr', 'nadooit_workflow'],
    migrations: [...timeAccountMigrations, ledgerExecutionIndex, ...ledgerSequence, ...topUpRequestMigrations, ...workTimeMigrations, accountLastSeq],
    commands: [checkLedgerCommand],
    messages: workTimeMessages,
  };
}
