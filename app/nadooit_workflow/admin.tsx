import { createdAt, relation, staffActor, updatedAt } from '../core/admin/fields.js';
import type { AdminResource, Row } from '../core/admin/types.js';
import { componentOf, customerProcessChain } from './chain.js';
import { ProcessChainDiagram } from './diagram.js';
import { createProcess, getProcess, processNames, updateProcess } from './processes.js';
import './models.js';

const appLabel = { de: 'Workflows', en: 'Workflows' };
const SYSTEM = { actorUserId: null, asStaff: true } as const;

function fieldsOf(values: Row) {
  return {
    name: String(values.name ?? ''),
    description: String(values.description ?? ''),
    triggerProcessId: (values.trigger_process_id as string | null) || null,
  };
}

/** The chain the process belongs to (the row already passed the admin's view permission). */
async function chainAround(db: Parameters<NonNullable<AdminResource['extra']>>[0], id: string) {
  const process = await getProcess(db, { ...SYSTEM, id });
  const { chain, programNames } = await customerProcessChain(db, { ...SYSTEM, customerId: process.customer_id });
  return { process, chain: componentOf(chain, id), programNames };
}

export const processesResource: AdminResource = {
  app: 'nadooit_workflow',
  appLabel,
  name: 'processes',
  table: 'wf_processes',
  label: { de: 'Prozess', en: 'Process' },
  labelPlural: { de: 'Prozesse', en: 'Processes' },
  help: {
    de: 'Ein Prozess eines Kunden: welche Programme er nutzt, welcher Prozess ihn auslöst und welche er auslöst. Programme und ausgelöste Prozesse pflegen die Programmverwalter des Kunden im Dashboard oder über die API.',
    en: "A customer's process: the programs it uses, the process that triggers it and those it triggers. Programs and triggered processes are kept by the customer's program managers on the dashboard or through the API.",
  },
  title: { columns: ['name'] },
  fields: [
    relation('customer_id', { de: 'Kunde', en: 'Customer' }, 'nadooit_crm.customers', 'cascade', { required: true, createOnly: true }),
    { name: 'name', label: { de: 'Name', en: 'Name' }, type: 'text', required: true, maxLength: 255 },
    { name: 'description', label: { de: 'Beschreibung', en: 'Description' }, type: 'textarea', maxLength: 5000 },
    relation('trigger_process_id', { de: 'Ausgelöst durch', en: 'Triggered by' }, 'nadooit_workflow.processes', 'set null'),
    createdAt(),
    updatedAt(),
  ],
  list: {
    columns: ['name', 'customer_id', 'trigger_process_id', 'updated_at'],
    search: ['name', 'customer_id', { field: 'id', mode: 'exact' }],
    filters: ['customer_id'],
    ordering: { field: 'created_at', direction: 'desc' },
    sortable: ['name'],
  },
  hooks: {
    create: async (ctx, values) => (await createProcess(ctx.tx, { ...staffActor(ctx), customerId: String(values.customer_id), ...fieldsOf(values) })).id,
    async update(ctx, id, values) {
      const current = await getProcess(ctx.tx, { ...staffActor(ctx), id });
      await updateProcess(ctx.tx, { ...staffActor(ctx), id, ...fieldsOf({ ...current, ...values }), programIds: current.programIds, triggersIds: current.triggersIds });
    },
  },
  async extra(db, row, d) {
    const { process, chain, programNames: programs } = await chainAround(db, String(row.id));
    const names = await processNames(db, process.triggersIds);
    const list = (values: string[]) => values.join(', ') || '–';
    return (
      <section id="process-chain" class="mt-4">
        <h2 class="h5" safe>{d.t('workflow.chain')}</h2>
        <div class="overflow-auto mb-3">
          <ProcessChainDiagram nodes={chain.nodes} edges={chain.edges} highlight={process.id} title={`${d.t('workflow.chain')} ${process.name}`} emptyText={d.t('workflow.empty')} />
        </div>
        <dl class="row">
          <dt class="col-sm-3" safe>{d.t('workflow.programs')}</dt>
          <dd class="col-sm-9" safe>{list(process.programIds.map((id) => programs.get(id) ?? id))}</dd>
          <dt class="col-sm-3" safe>{d.t('workflow.triggers')}</dt>
          <dd class="col-sm-9" safe>{list(process.triggersIds.map((id) => names.get(id) ?? id))}</dd>
        </dl>
      </section>
    );
  },
};

export const transitionsResource: AdminResource = {
  app: 'nadooit_workflow',
  appLabel,
  name: 'transitions',
  table: 'wf_transitions',
  label: { de: 'Statuswechsel', en: 'State transition' },
  labelPlural: { de: 'Statuswechsel', en: 'State transitions' },
  help: { de: 'Die Historie der Status-Workflows (z. B. Aufladeanfragen): wer wann was geändert hat.', en: 'The history of status workflows (e.g. top-up requests): who changed what, when.' },
  title: { columns: ['machine', 'event', 'to_state'], format: (row) => `${row.machine} ${row.event} → ${row.to_state}` },
  fields: [
    { name: 'machine', label: { de: 'Workflow', en: 'Workflow' }, type: 'text', readOnly: true },
    { name: 'subject_id', label: { de: 'Objekt', en: 'Subject' }, type: 'uuid', readOnly: true },
    { name: 'event', label: { de: 'Ereignis', en: 'Event' }, type: 'text', readOnly: true },
    { name: 'from_state', label: { de: 'Von', en: 'From' }, type: 'text', readOnly: true },
    { name: 'to_state', label: { de: 'Nach', en: 'To' }, type: 'text', readOnly: true },
    relation('actor_user_id', { de: 'Durch', en: 'By' }, 'nadooit_auth.users', 'set null', { readOnly: true }),
    { name: 'note', label: { de: 'Notiz', en: 'Note' }, type: 'textarea', readOnly: true },
    createdAt({ de: 'Zeitpunkt', en: 'At' }),
  ],
  list: {
    columns: ['created_at', 'machine', 'subject_id', 'event', 'from_state', 'to_state', 'actor_user_id'],
    search: [{ field: 'subject_id', mode: 'exact' }],
    filters: ['machine', 'created_at'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  allow: { add: false, change: false, delete: false },
  timestamps: 'created',
};

export const workflowResources: AdminResource[] = [processesResource, transitionsResource];
