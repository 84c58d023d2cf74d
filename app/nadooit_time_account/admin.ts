import { createdAt, flag, relation, staffActor, updatedAt } from '../core/admin/fields.js';
import { insertRow, updateRow } from '../core/admin/records.js';
import { ActionError } from '../core/admin/types.js';
import type { AdminField, AdminResource, Row, WriteContext } from '../core/admin/types.js';
import { formatDuration } from '../core/ui/format.js';
import { lowBalancePreset } from './admin-low-balance.js';
import { correct, createTimeAccount, topUp } from './ledger.js';
import { createCustomerTimeAccount } from './services.js';
import { TOP_UP_REQUEST_STATUSES } from './models.js';
import type { TopUpRequestStatus } from './models.js';
import { approveTopUpRequest, rejectTopUpRequest } from './top-up-requests.js';
import './models.js';

const appLabel = { de: 'Zeitkonten', en: 'Time accounts' };

const amountFields = (signed: boolean): AdminField[] => [
  { name: 'hours', label: { de: 'Stunden', en: 'Hours' }, type: 'integer', min: signed ? -1_000_000 : 0, max: 1_000_000 },
  {
    name: 'seconds',
    label: { de: 'Sekunden', en: 'Seconds' },
    type: 'integer',
    min: signed ? -3_600_000_000 : 0,
    max: 3_600_000_000,
    help: signed
      ? { de: 'Wird zu den Stunden addiert; negative Werte ziehen Zeit ab.', en: 'Added to the hours; negative values take time off.' }
      : { de: 'Wird zu den Stunden addiert (1 Stunde = 3600 Sekunden).', en: 'Added to the hours (1 hour = 3600 seconds).' },
  },
];

/** Hours and seconds of an action form as one number of seconds; it must not be zero. */
function totalSeconds(ctx: WriteContext, values: Row): number {
  const total = Number(values.hours ?? 0) * 3600 + Number(values.seconds ?? 0);
  if (!total) throw new ActionError(ctx.t('admin.error.amount'), { hours: [ctx.t('admin.error.amount')] });
  return total;
}

export const timeAccountsResource: AdminResource = {
  app: 'nadooit_time_account',
  appLabel,
  name: 'time_accounts',
  table: 'ta_time_accounts',
  label: { de: 'Zeitkonto', en: 'Time account' },
  labelPlural: { de: 'Zeitkonten', en: 'Time accounts' },
  help: {
    de: 'Das Guthaben ändert sich nur über Buchungen im Journal: „Aufladen“ und „Korrigieren“ auf der Detailseite.',
    en: 'The balance changes only through ledger entries: "Top up" and "Correct" on the detail page.',
  },
  title: { columns: ['name', 'balance_seconds'], format: (row) => `${row.name ?? String(row.id).slice(0, 8)} (${formatDuration(Number(row.balance_seconds))})` },
  fields: [
    { name: 'name', label: { de: 'Name', en: 'Name' }, type: 'text', maxLength: 255 },
    { name: 'balance_seconds', label: { de: 'Guthaben', en: 'Balance' }, type: 'seconds', readOnly: true },
    {
      name: 'opening_balance_seconds',
      label: { de: 'Anfangsguthaben (Sekunden)', en: 'Opening balance (seconds)' },
      type: 'seconds',
      virtual: true,
      createOnly: true,
      min: 0,
      help: { de: 'Wird als erste Buchung ins Journal geschrieben.', en: 'Written to the ledger as its first entry.' },
    },
    flag('is_active', { de: 'Aktiv', en: 'Active' }, { initial: true }),
    {
      name: 'low_balance_threshold_seconds',
      label: { de: 'Warnschwelle (Sekunden)', en: 'Low-balance warning (seconds)' },
      type: 'seconds',
      min: 0,
      help: {
        de: 'Das NADOOIT OS warnt, wenn das Guthaben darunter fällt; 0 schaltet die Warnung ab. Leer: Warnung, wenn das Guthaben bei der Nutzung der letzten 30 Tage keine 14 Tage mehr reicht.',
        en: 'NADOOIT OS warns when the balance falls below; 0 switches the warning off. Empty: warns when, at the use of the last 30 days, the balance lasts less than 14 days.',
      },
    },
    createdAt(),
    updatedAt(),
  ],
  list: {
    columns: ['name', 'balance_seconds', 'is_active', 'created_at'],
    optionalColumns: ['low_balance_threshold_seconds', 'updated_at'],
    search: ['name', { field: 'id', mode: 'exact' }],
    filters: ['is_active', 'created_at'],
    ordering: { field: 'created_at', direction: 'desc' },
    sortable: ['balance_seconds'],
    presets: [lowBalancePreset],
  },
  inlines: [
    { resource: 'nadooit_time_account.ledger_entries', field: 'time_account_id', limit: 15 },
    { resource: 'nadooit_time_account.top_up_requests', field: 'time_account_id', limit: 10 },
    { resource: 'nadooit_time_account.customer_time_accounts', field: 'time_account_id' },
    { resource: 'nadooit_program_ownership_system.customer_programs', field: 'time_account_id' },
  ],
  actions: [
    {
      name: 'top_up',
      label: { de: 'Aufladen', en: 'Top up' },
      description: { de: 'Bucht gekaufte Zeit auf das Konto (Journaleintrag „Aufladung“).', en: 'Credits purchased time (ledger entry "top-up").' },
      permission: 'change',
      fields: [
        ...amountFields(false),
        { name: 'note', label: { de: 'Notiz', en: 'Note' }, type: 'text', maxLength: 500 },
        { name: 'reference', label: { de: 'Referenz (Auftrag, Rechnung)', en: 'Reference (order, invoice)' }, type: 'text', maxLength: 200 },
      ],
      async run(ctx, ids, values) {
        const seconds = totalSeconds(ctx, values);
        for (const timeAccountId of ids) {
          await topUp(ctx.tx, { timeAccountId, seconds, note: (values.note as string | null) ?? null, reference: (values.reference as string | null) ?? null, authorUserId: ctx.actor.id });
        }
      },
    },
    {
      name: 'correct',
      label: { de: 'Korrigieren', en: 'Correct' },
      description: {
        de: 'Eine Korrektur mit Begründung (Journaleintrag „Korrektur“); das Guthaben kann nicht negativ werden.',
        en: 'A correction with a reason (ledger entry "correction"); the balance cannot go negative.',
      },
      permission: 'change',
      fields: [...amountFields(true), { name: 'reason', label: { de: 'Begründung', en: 'Reason' }, type: 'text', required: true, maxLength: 500 }],
      async run(ctx, ids, values) {
        const seconds = totalSeconds(ctx, values);
        for (const timeAccountId of ids) await correct(ctx.tx, { timeAccountId, seconds, reason: String(values.reason), authorUserId: ctx.actor.id });
      },
    },
  ],
  hooks: {
    async create(ctx, values) {
      const account = await createTimeAccount(ctx.tx, {
        name: (values.name as string | null) ?? null,
        openingBalanceSeconds: Number(values.opening_balance_seconds ?? 0),
        authorUserId: ctx.actor.id,
        lowBalanceThresholdSeconds: (values.low_balance_threshold_seconds as number | null) ?? null,
        isActive: values.is_active === true,
      });
      return account.id;
    },
  },
};

export const customerTimeAccountsResource: AdminResource = {
  app: 'nadooit_time_account',
  appLabel,
  name: 'customer_time_accounts',
  table: 'ta_customer_time_accounts',
  label: { de: 'Kundenzeitkonto', en: 'Customer time account' },
  labelPlural: { de: 'Kundenzeitkonten', en: 'Customer time accounts' },
  help: {
    de: 'Ordnet ein Zeitkonto einem Kunden zu. Ohne Auswahl eines Zeitkontos wird ein neues angelegt.',
    en: 'Labels a time account for a customer. Without a time account a new one is created.',
  },
  title: { columns: ['name'] },
  fields: [
    relation('customer_id', { de: 'Kunde', en: 'Customer' }, 'nadooit_crm.customers', 'cascade', { required: true, createOnly: true }),
    relation('time_account_id', { de: 'Zeitkonto', en: 'Time account' }, 'nadooit_time_account.time_accounts', 'cascade', { createOnly: true }),
    { name: 'name', label: { de: 'Name', en: 'Name' }, type: 'text', required: true, maxLength: 255 },
    {
      name: 'opening_balance_seconds',
      label: { de: 'Anfangsguthaben eines neuen Kontos (Sekunden)', en: 'Opening balance of a new account (seconds)' },
      type: 'seconds',
      virtual: true,
      createOnly: true,
      min: 0,
    },
    createdAt(),
    updatedAt(),
  ],
  list: {
    columns: ['name', 'customer_id', 'time_account_id', 'created_at'],
    search: ['name', 'customer_id'],
    filters: ['customer_id'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  hooks: {
    async create(ctx, values) {
      if (values.time_account_id) return insertRow(ctx.tx, customerTimeAccountsResource, values);
      const created = await createCustomerTimeAccount(ctx.tx, {
        ...staffActor(ctx),
        customerId: String(values.customer_id),
        name: String(values.name),
        openingBalanceSeconds: Number(values.opening_balance_seconds ?? 0) || undefined,
      });
      return created.customerTimeAccountId;
    },
    update: (ctx, id, values) => updateRow(ctx.tx, customerTimeAccountsResource, id, { name: values.name }),
  },
};

export const employeeTimeAccountsResource: AdminResource = {
  app: 'nadooit_time_account',
  appLabel,
  name: 'employee_time_accounts',
  table: 'ta_employee_time_accounts',
  label: { de: 'Mitarbeiterzeitkonto', en: 'Employee time account' },
  labelPlural: { de: 'Mitarbeiterzeitkonten', en: 'Employee time accounts' },
  title: { columns: ['id'], format: (row) => `${String(row.id).slice(0, 8)}` },
  fields: [
    relation('time_account_id', { de: 'Zeitkonto', en: 'Time account' }, 'nadooit_time_account.time_accounts', 'cascade', { required: true }),
    relation('employee_id', { de: 'Mitarbeiter', en: 'Employee' }, 'nadooit_hr.employees', 'cascade', { required: true }),
    relation('customer_id', { de: 'Kunde', en: 'Customer' }, 'nadooit_crm.customers', 'cascade', { required: true }),
    {
      name: 'weekly_work_seconds',
      label: { de: 'Wochenarbeitszeit (Sekunden)', en: 'Weekly working time (seconds)' },
      type: 'seconds',
      min: 0,
      max: 360_000,
      help: {
        de: 'Soll laut Vertrag, auf Montag bis Freitag verteilt; leer = kein Soll, keine Überstunden. 40 h = 144000.',
        en: 'Target per the contract, spread over Monday to Friday; empty = no target, no overtime. 40 h = 144000.',
      },
    },
    createdAt(),
  ],
  list: {
    columns: ['employee_id', 'customer_id', 'weekly_work_seconds', 'time_account_id', 'created_at'],
    search: ['employee_id', 'customer_id'],
    filters: ['customer_id', 'employee_id'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  inlines: [{ resource: 'nadooit_time_account.work_time_entries', field: 'employee_time_account_id' }],
};

export const workTimeEntriesResource: AdminResource = {
  app: 'nadooit_time_account',
  appLabel,
  name: 'work_time_entries',
  table: 'ta_work_time_account_entries',
  label: { de: 'Stempelung', en: 'Time clock entry' },
  labelPlural: { de: 'Stempelungen', en: 'Time clock entries' },
  title: { columns: ['entry_type', 'work_date', 'work_time'] },
  fields: [
    relation('employee_time_account_id', { de: 'Mitarbeiterzeitkonto', en: 'Employee time account' }, 'nadooit_time_account.employee_time_accounts', 'cascade', { required: true }),
    { name: 'work_date', label: { de: 'Datum', en: 'Date' }, type: 'date' },
    { name: 'work_time', label: { de: 'Uhrzeit', en: 'Time' }, type: 'text', maxLength: 8, refine: (s) => s.refine((v) => v === null || /^\d{2}:\d{2}(:\d{2})?$/.test(String(v)), { message: 'HH:MM' }) },
    {
      name: 'entry_type',
      label: { de: 'Art', en: 'Kind' },
      type: 'choice',
      required: true,
      initial: 'IN',
      choices: [
        { value: 'IN', label: { de: 'Kommen', en: 'In' } },
        { value: 'OUT', label: { de: 'Gehen', en: 'Out' } },
      ],
    },
    createdAt(),
  ],
  list: { columns: ['work_date', 'work_time', 'entry_type', 'employee_time_account_id'], filters: ['entry_type', 'work_date'], ordering: { field: 'created_at', direction: 'desc' } },
};

const LEDGER_KINDS = [
  { value: 'opening', label: { de: 'Anfangsstand', en: 'Opening balance' } },
  { value: 'top_up', label: { de: 'Aufladung', en: 'Top-up' } },
  { value: 'booking', label: { de: 'Buchung', en: 'Booking' } },
  { value: 'refund', label: { de: 'Erstattung', en: 'Refund' } },
  { value: 'correction', label: { de: 'Korrektur', en: 'Correction' } },
];

/** The journal: written only by the ledger service, never edited or deleted here. */
export const ledgerEntriesResource: AdminResource = {
  app: 'nadooit_time_account',
  appLabel,
  name: 'ledger_entries',
  table: 'ta_ledger_entries',
  label: { de: 'Journaleintrag', en: 'Ledger entry' },
  labelPlural: { de: 'Journal', en: 'Ledger' },
  title: { columns: ['kind', 'seconds', 'created_at'], format: (row) => `${row.kind} ${formatDuration(Number(row.seconds))}` },
  timestamps: 'created',
  fields: [
    createdAt({ de: 'Zeitpunkt', en: 'When' }),
    relation('time_account_id', { de: 'Zeitkonto', en: 'Time account' }, 'nadooit_time_account.time_accounts', 'cascade', { readOnly: true }),
    { name: 'kind', label: { de: 'Art', en: 'Kind' }, type: 'choice', choices: LEDGER_KINDS, readOnly: true },
    { name: 'seconds', label: { de: 'Änderung', en: 'Change' }, type: 'seconds', readOnly: true },
    { name: 'balance_after', label: { de: 'Guthaben danach', en: 'Balance after' }, type: 'seconds', readOnly: true },
    { name: 'note', label: { de: 'Notiz / Grund', en: 'Note / reason' }, type: 'text', readOnly: true },
    { name: 'reference', label: { de: 'Referenz', en: 'Reference' }, type: 'text', readOnly: true },
    relation('execution_id', { de: 'Buchung', en: 'Booking' }, 'nadooit_api_executions_system.executions', 'none', { readOnly: true }),
    relation('author_user_id', { de: 'Durch', en: 'By' }, 'nadooit_auth.users', 'set null', { readOnly: true }),
  ],
  list: {
    columns: ['created_at', 'time_account_id', 'kind', 'seconds', 'balance_after', 'note'],
    optionalColumns: ['reference', 'execution_id', 'author_user_id'],
    search: [{ field: 'reference', mode: 'exact' }, 'note', { field: 'execution_id', mode: 'exact' }],
    filters: ['kind', 'created_at', 'time_account_id'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  allow: { add: false, change: false, delete: false },
};

const REQUEST_STATUS_LABELS: Record<TopUpRequestStatus, { de: string; en: string }> = {
  open: { de: 'Offen', en: 'Open' },
  approved: { de: 'Genehmigt', en: 'Approved' },
  rejected: { de: 'Abgelehnt', en: 'Rejected' },
};

/** Customers' top-up requests (made in NADOOIT OS): staff approve (→ ledger top-up) or reject them here. */
export const topUpRequestsResource: AdminResource = {
  app: 'nadooit_time_account',
  appLabel,
  name: 'top_up_requests',
  table: 'ta_top_up_requests',
  label: { de: 'Aufladeanfrage', en: 'Top-up request' },
  labelPlural: { de: 'Aufladeanfragen', en: 'Top-up requests' },
  help: {
    de: 'Angefragt von den Zeitkontoverwaltern des Kunden im NADOOIT OS. „Genehmigen“ bucht die Zeit als Aufladung (Referenz: die Anfrage), „Ablehnen“ braucht einen Grund, den der Kunde sieht.',
    en: 'Requested by the customer’s time-account managers in NADOOIT OS. "Approve" credits the time as a top-up (reference: the request); "Reject" needs a reason the customer sees.',
  },
  title: {
    columns: ['status', 'seconds'],
    format: (row, language) => `${REQUEST_STATUS_LABELS[row.status as TopUpRequestStatus]?.[language] ?? row.status}: ${formatDuration(Number(row.seconds))}`,
  },
  fields: [
    {
      name: 'status',
      label: { de: 'Status', en: 'Status' },
      type: 'choice',
      choices: TOP_UP_REQUEST_STATUSES.map((s) => ({ value: s, label: REQUEST_STATUS_LABELS[s] })),
      badges: { open: 'warning', approved: 'success', rejected: 'secondary' },
      readOnly: true,
    },
    { name: 'seconds', label: { de: 'Angefragte Zeit', en: 'Requested time' }, type: 'seconds', readOnly: true },
    { name: 'note', label: { de: 'Notiz des Kunden', en: 'Customer’s note' }, type: 'text', readOnly: true },
    relation('customer_id', { de: 'Kunde', en: 'Customer' }, 'nadooit_crm.customers', 'cascade', { readOnly: true }),
    relation('customer_time_account_id', { de: 'Kundenzeitkonto', en: 'Customer time account' }, 'nadooit_time_account.customer_time_accounts', 'cascade', { readOnly: true }),
    relation('time_account_id', { de: 'Zeitkonto', en: 'Time account' }, 'nadooit_time_account.time_accounts', 'cascade', { readOnly: true }),
    relation('requested_by_user_id', { de: 'Angefragt von', en: 'Requested by' }, 'nadooit_auth.users', 'set null', { readOnly: true }),
    { name: 'decision_note', label: { de: 'Begründung / Journalnotiz', en: 'Reason / ledger note' }, type: 'text', readOnly: true },
    relation('decided_by_user_id', { de: 'Entschieden von', en: 'Decided by' }, 'nadooit_auth.users', 'set null', { readOnly: true }),
    { name: 'decided_at', label: { de: 'Entschieden am', en: 'Decided at' }, type: 'datetime', readOnly: true },
    relation('ledger_entry_id', { de: 'Journaleintrag', en: 'Ledger entry' }, 'nadooit_time_account.ledger_entries', 'set null', { readOnly: true }),
    createdAt({ de: 'Angefragt am', en: 'Requested at' }),
    updatedAt(),
  ],
  list: {
    columns: ['created_at', 'status', 'customer_id', 'customer_time_account_id', 'seconds', 'note'],
    optionalColumns: ['requested_by_user_id', 'decided_at', 'decided_by_user_id', 'decision_note'],
    search: [{ field: 'id', mode: 'exact' }, 'note', 'customer_id'],
    filters: ['status', 'customer_id', 'created_at'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  allow: { add: false, change: false, delete: false },
  actions: [
    {
      name: 'approve',
      label: { de: 'Genehmigen', en: 'Approve' },
      description: {
        de: 'Bucht die angefragte Zeit als Aufladung ins Journal (Referenz: die Anfrage). Jede Anfrage wird nur einmal entschieden.',
        en: 'Credits the requested time as a ledger top-up (reference: the request). Each request is decided once.',
      },
      permission: 'change',
      fields: [
        {
          name: 'note',
          label: { de: 'Notiz im Journal', en: 'Ledger note' },
          type: 'text',
          maxLength: 500,
          help: { de: 'Leer: die Notiz des Kunden.', en: 'Empty: the customer’s note.' },
        },
      ],
      async run(ctx, ids, values) {
        for (const requestId of ids) await approveTopUpRequest(ctx.tx, { ...staffActor(ctx), requestId, note: (values.note as string | null) ?? null });
      },
    },
    {
      name: 'reject',
      label: { de: 'Ablehnen', en: 'Reject' },
      description: { de: 'Es wird nichts gebucht; der Kunde sieht den Grund.', en: 'Nothing is credited; the customer sees the reason.' },
      permission: 'change',
      fields: [{ name: 'reason', label: { de: 'Grund', en: 'Reason' }, type: 'textarea', required: true, maxLength: 500 }],
      async run(ctx, ids, values) {
        for (const requestId of ids) await rejectTopUpRequest(ctx.tx, { ...staffActor(ctx), requestId, reason: String(values.reason) });
      },
    },
  ],
};

export const timeAccountResources: AdminResource[] = [
  timeAccountsResource,
  customerTimeAccountsResource,
  employeeTimeAccountsResource,
  workTimeEntriesResource,
  ledgerEntriesResource,
  topUpRequestsResource,
];
