import { createdAt, relation, staffActor, updatedAt } from '../core/admin/fields.js';
import type { AdminAction, AdminResource, Choice } from '../core/admin/types.js';
import { COMPLAINT_STATUSES } from './models.js';
import type { ComplaintStatus } from './models.js';
import { addComment, decideComplaint } from './services.js';
import './models.js';

const appLabel = { de: 'Reklamationen', en: 'Complaints' };

const STATUS_LABELS: Record<ComplaintStatus, { de: string; en: string }> = {
  OPEN: { de: 'Offen', en: 'Open' },
  IN_PROGRESS: { de: 'In Bearbeitung', en: 'In progress' },
  ACCEPTED: { de: 'Angenommen', en: 'Accepted' },
  REJECTED: { de: 'Abgelehnt', en: 'Rejected' },
};
const STATUS_CHOICES: Choice[] = COMPLAINT_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }));

const ro = { readOnly: true } as const;
const noteField = { name: 'note', label: { de: 'Notiz an den Kunden', en: 'Note to the customer' }, type: 'textarea', maxLength: 2000 } as const;

function decision(name: string, to: ComplaintStatus, label: AdminAction['label'], description: AdminAction['description']): AdminAction {
  return {
    name,
    label,
    description,
    permission: 'change',
    destructive: to === 'ACCEPTED',
    fields: [noteField],
    async run(ctx, ids, values) {
      for (const complaintId of ids) await decideComplaint(ctx.tx, { ...staffActor(ctx), complaintId, to, note: (values.note as string | null) ?? null });
    },
  };
}

/** Complaints are filed by the customer's execution managers; staff move them on and comment. */
export const complaintsResource: AdminResource = {
  app: 'nadoo_complaint_management',
  appLabel,
  name: 'complaints',
  table: 'cm_complaints',
  label: { de: 'Reklamation', en: 'Complaint' },
  labelPlural: { de: 'Reklamationen', en: 'Complaints' },
  title: { columns: ['text', 'status'], format: (row, language) => `${STATUS_LABELS[row.status as ComplaintStatus]?.[language] ?? row.status}: ${String(row.text).slice(0, 60)}` },
  fields: [
    {
      name: 'status',
      label: { de: 'Status', en: 'Status' },
      type: 'choice',
      choices: STATUS_CHOICES,
      badges: { OPEN: 'warning', IN_PROGRESS: 'info', ACCEPTED: 'success', REJECTED: 'secondary' },
      readOnly: true,
    },
    { name: 'text', label: { de: 'Reklamation', en: 'Complaint' }, type: 'textarea', readOnly: true },
    relation('execution_id', { de: 'Ausführung', en: 'Execution' }, 'nadooit_api_executions_system.executions', 'set null', ro),
    relation('customer_id', { de: 'Kunde', en: 'Customer' }, 'nadooit_crm.customers', 'set null', ro),
    relation('author_user_id', { de: 'Eingereicht von', en: 'Filed by' }, 'nadooit_auth.users', 'set null', ro),
    { name: 'resolution_note', label: { de: 'Entscheidung', en: 'Decision' }, type: 'textarea', readOnly: true },
    relation('resolved_by_user_id', { de: 'Entschieden von', en: 'Decided by' }, 'nadooit_auth.users', 'set null', ro),
    { name: 'resolved_at', label: { de: 'Entschieden am', en: 'Decided at' }, type: 'datetime', readOnly: true },
    createdAt({ de: 'Eingereicht', en: 'Filed' }),
    updatedAt(),
  ],
  list: {
    columns: ['created_at', 'status', 'customer_id', 'text', 'execution_id'],
    optionalColumns: ['author_user_id', 'resolved_at'],
    search: ['text', 'customer_id', { field: 'id', mode: 'exact' }],
    filters: ['status', 'created_at', 'customer_id'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  allow: { add: false, change: false, delete: false },
  inlines: [
    { resource: 'nadoo_complaint_management.events', field: 'complaint_id', limit: 20 },
    { resource: 'nadoo_complaint_management.comments', field: 'complaint_id', limit: 20 },
  ],
  actions: [
    decision('start', 'IN_PROGRESS', { de: 'In Bearbeitung nehmen', en: 'Start handling' }, undefined),
    decision('accept', 'ACCEPTED', { de: 'Annehmen', en: 'Accept' }, {
      de: 'Die Ausführung wird storniert bzw. erstattet; die vom Zeitkonto abgebuchten Sekunden gehen zurück.',
      en: 'The execution is revoked or refunded; the seconds drawn from the time account go back.',
    }),
    decision('reject', 'REJECTED', { de: 'Ablehnen', en: 'Reject' }, { de: 'Die Ausführung bleibt bestehen.', en: 'The execution stays as it is.' }),
    {
      name: 'comment',
      label: { de: 'Kommentieren', en: 'Comment' },
      permission: 'change',
      onList: false,
      fields: [{ name: 'text', label: { de: 'Kommentar', en: 'Comment' }, type: 'textarea', required: true, maxLength: 4000 }],
      async run(ctx, ids, values) {
        for (const complaintId of ids) await addComment(ctx.tx, { ...staffActor(ctx), complaintId, text: String(values.text) });
      },
    },
  ],
};

export const commentsResource: AdminResource = {
  app: 'nadoo_complaint_management',
  appLabel,
  name: 'comments',
  table: 'cm_complaint_comments',
  label: { de: 'Kommentar', en: 'Comment' },
  labelPlural: { de: 'Kommentare', en: 'Comments' },
  title: { columns: ['text'], format: (row) => String(row.text).slice(0, 80) },
  timestamps: 'created',
  fields: [
    createdAt({ de: 'Zeitpunkt', en: 'When' }),
    relation('complaint_id', { de: 'Reklamation', en: 'Complaint' }, 'nadoo_complaint_management.complaints', 'cascade', ro),
    relation('author_user_id', { de: 'Von', en: 'By' }, 'nadooit_auth.users', 'set null', ro),
    { name: 'text', label: { de: 'Kommentar', en: 'Comment' }, type: 'textarea', readOnly: true },
  ],
  list: { columns: ['created_at', 'author_user_id', 'text'], filters: ['complaint_id'], ordering: { field: 'created_at', direction: 'desc' } },
  allow: { add: false, change: false, delete: false },
};

export const eventsResource: AdminResource = {
  app: 'nadoo_complaint_management',
  appLabel,
  name: 'events',
  table: 'cm_complaint_events',
  label: { de: 'Statusänderung', en: 'Status change' },
  labelPlural: { de: 'Statusverlauf', en: 'Status history' },
  title: { columns: ['to_status'], format: (row, language) => STATUS_LABELS[row.to_status as ComplaintStatus]?.[language] ?? String(row.to_status) },
  timestamps: 'created',
  fields: [
    createdAt({ de: 'Zeitpunkt', en: 'When' }),
    relation('complaint_id', { de: 'Reklamation', en: 'Complaint' }, 'nadoo_complaint_management.complaints', 'cascade', ro),
    { name: 'from_status', label: { de: 'Von', en: 'From' }, type: 'choice', choices: STATUS_CHOICES, readOnly: true },
    { name: 'to_status', label: { de: 'Nach', en: 'To' }, type: 'choice', choices: STATUS_CHOICES, readOnly: true },
    { name: 'note', label: { de: 'Notiz', en: 'Note' }, type: 'text', readOnly: true },
    relation('actor_user_id', { de: 'Durch', en: 'By' }, 'nadooit_auth.users', 'set null', ro),
  ],
  list: { columns: ['created_at', 'from_status', 'to_status', 'note', 'actor_user_id'], filters: ['to_status', 'complaint_id'], ordering: { field: 'created_at', direction: 'desc' } },
  allow: { add: false, change: false, delete: false },
};

export const complaintResources: AdminResource[] = [complaintsResource, commentsResource, eventsResource];
