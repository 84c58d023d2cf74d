import { createdAt, flag, relation, staffActor } from '../../core/admin/fields.js';
import type { AdminField, AdminResource } from '../../core/admin/types.js';
import { deleteEntry, MAX_REASON_LENGTH } from './entries.js';
import './models.js';

const appLabel = { de: 'Zeitkonten', en: 'Time accounts' };
const account = relation('employee_time_account_id', { de: 'Mitarbeiterzeitkonto', en: 'Employee time account' }, 'nadooit_time_account.employee_time_accounts', 'cascade', { readOnly: true });
const reason: AdminField = { name: 'reason', label: { de: 'Grund', en: 'Reason' }, type: 'text', required: true, maxLength: MAX_REASON_LENGTH };

/** Clock-in/out entries. Read here; changes go through the audited corrections (dashboard, API, or the delete action here). */
export const workTimeEntriesResource: AdminResource = {
  app: 'nadooit_time_account',
  appLabel,
  name: 'work_time_clock_entries',
  table: 'ta_work_time_entries',
  label: { de: 'Arbeitszeiteintrag', en: 'Work-time entry' },
  labelPlural: { de: 'Arbeitszeiteinträge', en: 'Work-time entries' },
  help: {
    de: 'Ein- und Ausstempeln der Mitarbeiter (exakte Zeitpunkte). Korrekturen mit Grund macht die Personalverwaltung des Kunden im Dashboard; jede Korrektur steht unter „Arbeitszeitkorrekturen“.',
    en: "Employees' clock-ins and -outs (exact instants). The customer's employee managers correct them with a reason on the dashboard; every correction is listed under “Work-time corrections”.",
  },
  title: { columns: ['started_at', 'ended_at'], format: (row) => `${row.started_at} – ${row.ended_at ?? '…'}` },
  fields: [
    account,
    { name: 'started_at', label: { de: 'Beginn', en: 'Start' }, type: 'datetime', readOnly: true },
    { name: 'ended_at', label: { de: 'Ende', en: 'End' }, type: 'datetime', readOnly: true },
    flag('corrected', { de: 'Korrigiert', en: 'Corrected' }, { readOnly: true }),
    relation('created_by_user_id', { de: 'Erfasst von', en: 'Recorded by' }, 'nadooit_auth.users', 'set null', { readOnly: true }),
    createdAt(),
  ],
  list: {
    columns: ['started_at', 'ended_at', 'employee_time_account_id', 'corrected'],
    filters: ['employee_time_account_id', 'corrected', 'started_at'],
    ordering: { field: 'started_at', direction: 'desc' },
  },
  allow: { add: false, change: false, delete: false },
  actions: [
    {
      name: 'delete_with_reason',
      label: { de: 'Mit Grund löschen', en: 'Delete with a reason' },
      permission: 'delete',
      destructive: true,
      deletes: true,
      fields: [reason],
      description: { de: 'Die Einträge werden gelöscht; die Korrektur mit Grund bleibt im Protokoll.', en: 'The entries are deleted; the correction and its reason stay in the log.' },
      async run(ctx, ids, values) {
        for (const entryId of ids) await deleteEntry(ctx.tx, { ...staffActor(ctx), entryId, reason: String(values.reason ?? '') });
      },
    },
  ],
};

export const workTimeCorrectionsResource: AdminResource = {
  app: 'nadooit_time_account',
  appLabel,
  name: 'work_time_corrections',
  table: 'ta_work_time_corrections',
  label: { de: 'Arbeitszeitkorrektur', en: 'Work-time correction' },
  labelPlural: { de: 'Arbeitszeitkorrekturen', en: 'Work-time corrections' },
  title: { columns: ['action', 'created_at'], format: (row) => `${row.action} ${row.created_at}` },
  fields: [
    account,
    { name: 'entry_id', label: { de: 'Eintrag', en: 'Entry' }, type: 'uuid', readOnly: true },
    {
      name: 'action',
      label: { de: 'Art', en: 'Kind' },
      type: 'choice',
      readOnly: true,
      choices: [
        { value: 'add', label: { de: 'nachgetragen', en: 'added' } },
        { value: 'change', label: { de: 'geändert', en: 'changed' } },
        { value: 'delete', label: { de: 'gelöscht', en: 'deleted' } },
      ],
    },
    { name: 'before_started_at', label: { de: 'Beginn vorher', en: 'Start before' }, type: 'datetime', readOnly: true },
    { name: 'before_ended_at', label: { de: 'Ende vorher', en: 'End before' }, type: 'datetime', readOnly: true },
    { name: 'after_started_at', label: { de: 'Beginn nachher', en: 'Start after' }, type: 'datetime', readOnly: true },
    { name: 'after_ended_at', label: { de: 'Ende nachher', en: 'End after' }, type: 'datetime', readOnly: true },
    { ...reason, readOnly: true },
    relation('actor_user_id', { de: 'Durch', en: 'By' }, 'nadooit_auth.users', 'set null', { readOnly: true }),
    createdAt({ de: 'Zeitpunkt', en: 'At' }),
  ],
  list: {
    columns: ['created_at', 'employee_time_account_id', 'action', 'reason', 'actor_user_id'],
    filters: ['employee_time_account_id', 'action', 'created_at'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  allow: { add: false, change: false, delete: false },
  timestamps: 'created',
};

export const workTimeResources: AdminResource[] = [workTimeEntriesResource, workTimeCorrectionsResource];
