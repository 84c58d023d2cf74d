import { LegacyValueError, legacyOptionalUuid, legacyText, legacyUuid, timestampsOf } from '../core/legacy/values.js';
import { linkImport, requireKnown, tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport, LegacyImportContext, LegacyImportStep } from '../core/legacy/step.js';

const LEGACY_PROCESSES = 'nadooit_workflow_process';

/**
 * A process may name any other as its trigger, including one that comes later in key order: processes are
 * written first without it, then every trigger is set once all processes exist.
 */
const triggerStep: LegacyImportStep = {
  target: 'wf_processes',
  reads: [LEGACY_PROCESSES],
  async run(context: LegacyImportContext) {
    const outcome = context.report.outcome('wf_processes');
    for await (const row of context.source.rows(LEGACY_PROCESSES)) {
      const id = legacyUuid(row.id);
      if (!context.known('wf_processes').has(id)) continue;
      let trigger = legacyOptionalUuid(row.trigger_process_id, 'trigger_process_id');
      if (trigger && !context.known('wf_processes').has(trigger)) {
        outcome.notes.push(`process ${id}: its trigger process ${trigger} was not imported; imported without trigger`);
        trigger = null;
      }
      const current = await context.tx.selectFrom('wf_processes').select('trigger_process_id').where('id', '=', id).executeTakeFirstOrThrow();
      if (current.trigger_process_id === trigger) continue;
      await context.tx.updateTable('wf_processes').set({ trigger_process_id: trigger }).where('id', '=', id).execute();
      outcome.updated++;
    }
  },
};

/** Process definitions per customer with their programs, the process that triggers each and those it triggers. */
export const workflowLegacyImport: LegacyAppImport = {
  app: 'nadooit_workflow',
  steps: [
    tableImport({
      legacyTable: LEGACY_PROCESSES,
      target: 'wf_processes',
      map(row, context) {
        const customerId = legacyUuid(row.customer_id, 'customer_id');
        requireKnown(context, 'crm_customers', customerId, 'customer');
        const name = legacyText(row.name, 'name').trim();
        if (!name) throw new LegacyValueError('process has no name');
        return { id: legacyUuid(row.id), customer_id: customerId, name, description: legacyText(row.description ?? '', 'description'), trigger_process_id: null, ...timestampsOf(row) };
      },
      insertOnly: ['trigger_process_id'],
    }),
    triggerStep,
    linkImport({
      legacyTable: `${LEGACY_PROCESSES}_list_of_nadooit_programs`,
      target: 'wf_process_programs',
      ownerTarget: 'wf_processes',
      ownerColumn: 'process_id',
      otherColumn: 'program_id',
      map(row, context) {
        const program = legacyUuid(row.program_id, 'program_id');
        requireKnown(context, 'program_programs', program, 'program');
        return [legacyUuid(row.process_id, 'process_id'), program];
      },
    }),
    linkImport({
      legacyTable: `${LEGACY_PROCESSES}_tiggers_process`,
      target: 'wf_process_triggers',
      ownerTarget: 'wf_processes',
      ownerColumn: 'process_id',
      otherColumn: 'triggered_process_id',
      map(row, context) {
        const triggered = legacyUuid(row.to_process_id, 'to_process_id');
        requireKnown(context, 'wf_processes', triggered, 'process');
        return [legacyUuid(row.from_process_id, 'from_process_id'), triggered];
      },
    }),
  ],
};
