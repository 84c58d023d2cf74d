import { shortId } from '../core/ids.js';
import { createdAt, flag, relation, staffActor, updatedAt } from '../core/admin/fields.js';
import type { AdminResource, Choice } from '../core/admin/types.js';
import type { DB } from '../core/db/connection.js';
import type { Language } from '../core/ui/i18n.js';
import { PAYMENT_STATUSES } from './models.js';
import type { PaymentStatus } from './models.js';
import { cancellationOf } from './services/payment-machine.js';
import { cancelExecution, executionById, refundExecution, setPaymentStatus } from './services/index.js';
import { customerProgramTitles } from '../nadooit_program_ownership_system/admin.js';
import './models.js';

const appLabel = { de: 'Ausführungen', en: 'Executions' };

const STATUS_LABELS: Record<PaymentStatus, { de: string; en: string }> = {
  NOT_PAID: { de: 'Offen', en: 'Open' },
  PAID: { de: 'Bezahlt', en: 'Paid' },
  REFUNDED: { de: 'Erstattet', en: 'Refunded' },
  REVOKED: { de: 'Storniert', en: 'Revoked' },
};
const STATUS_CHOICES: Choice[] = PAYMENT_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }));

const PRICING_CHOICES: Choice[] = [
  { value: 'fixed', label: { de: 'Fester Preis', en: 'Fixed price' } },
  { value: 'tiered', label: { de: 'Staffelpreis', en: 'Tiered' } },
];

/** "Program · Customer · date" — what staff recognise a booking by. */
async function executionTitles(db: DB, ids: string[], language: Language): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('ex_executions as x')
    .leftJoin('program_programs as p', 'p.id', 'x.program_id')
    .leftJoin('crm_customers as c', 'c.id', 'x.customer_id')
    .select(['x.id', 'x.created_at', 'x.payment_status', 'p.name as program', 'c.name as customer'])
    .where('x.id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, `${r.program ?? '?'} · ${r.customer ?? '?'} · ${r.created_at.slice(0, 10)} (${STATUS_LABELS[r.payment_status][language]})`]));
}

const ro = { readOnly: true } as const;
const note = { name: 'note', label: { de: 'Notiz', en: 'Note' }, type: 'text', maxLength: 500 } as const;

/**
 * Bookings: written only by the booking API. Staff change the payment status through the transition table
 * and cancel (refund/revoke) through the payment service, which credits back exactly the drawn seconds.
 */
export const executionsResource: AdminResource = {
  app: 'nadooit_api_executions_system',
  appLabel,
  name: 'executions',
  table: 'ex_executions',
  label: { de: 'Ausführung', en: 'Execution' },
  labelPlural: { de: 'Ausführungen', en: 'Executions' },
  title: { columns: ['created_at', 'payment_status'], format: (row) => `${shortId(String(row.id))} ${row.created_at}`, load: executionTitles },
  fields: [
    createdAt({ de: 'Gebucht', en: 'Booked' }),
    relation('customer_id', { de: 'Kunde', en: 'Customer' }, 'nadooit_crm.customers', 'set null', ro),
    relation('program_id', { de: 'Programm', en: 'Program' }, 'nadooit_program.programs', 'set null', ro),
    relation('customer_program_id', { de: 'Kundenprogramm', en: 'Customer program' }, 'nadooit_program_ownership_system.customer_programs', 'set null', ro),
    {
      name: 'payment_status',
      label: { de: 'Zahlungsstatus', en: 'Payment status' },
      listLabel: { de: 'Status', en: 'Status' },
      type: 'choice',
      choices: STATUS_CHOICES,
      badges: { NOT_PAID: 'warning', PAID: 'success', REFUNDED: 'info', REVOKED: 'secondary' },
      readOnly: true,
    },
    { name: 'time_saved_seconds', label: { de: 'Eingesparte Zeit', en: 'Time saved' }, listLabel: { de: 'Eingespart', en: 'Saved' }, type: 'seconds', readOnly: true },
    {
      name: 'covered_seconds',
      label: { de: 'Vom Zeitkonto gedeckt', en: 'Covered by the time account' },
      listLabel: { de: 'Gedeckt', en: 'Covered' },
      type: 'seconds',
      readOnly: true,
    },
    { name: 'billable_seconds', label: { de: 'Berechnete Zeit', en: 'Billed time' }, type: 'seconds', readOnly: true },
    { name: 'price', label: { de: 'Preis', en: 'Price' }, type: 'money', currencyField: 'currency', readOnly: true },
    { name: 'currency', label: { de: 'Währung', en: 'Currency' }, type: 'text', readOnly: true },
    { name: 'pricing_mode', label: { de: 'Preismodell', en: 'Pricing' }, type: 'choice', choices: PRICING_CHOICES, readOnly: true },
    { name: 'price_per_second', label: { de: 'Preis pro Sekunde', en: 'Price per second' }, type: 'money', currencyField: 'currency', rate: true, readOnly: true },
    { name: 'tier_price_per_hour', label: { de: 'Stundenpreis der Staffel', en: 'Tier price per hour' }, type: 'money', currencyField: 'currency', readOnly: true },
    relation('time_account_id', { de: 'Zeitkonto', en: 'Time account' }, 'nadooit_time_account.time_accounts', 'set null', ro),
    { name: 'balance_after_seconds', label: { de: 'Guthaben danach', en: 'Balance after' }, type: 'seconds', readOnly: true },
    relation('user_id', { de: 'Gebucht von', en: 'Booked by' }, 'nadooit_auth.users', 'set null', ro),
    relation('api_key_id', { de: 'API-Schlüssel', en: 'API key' }, 'nadooit_api_key.api_keys', 'set null', ro),
    flag('in_complaint', { de: 'In Reklamation', en: 'In complaint' }, ro),
    { name: 'idempotency_key', label: { de: 'Idempotency-Key', en: 'Idempotency key' }, type: 'text', readOnly: true },
    updatedAt(),
  ],
  list: {
    columns: ['created_at', 'customer_id', 'program_id', 'time_saved_seconds', 'covered_seconds', 'price', 'payment_status'],
    optionalColumns: ['customer_program_id', 'billable_seconds', 'pricing_mode', 'time_account_id', 'balance_after_seconds', 'in_complaint', 'user_id', 'id'],
    search: [{ field: 'id', mode: 'exact' }, 'customer_id', 'program_id'],
    filters: ['payment_status', 'created_at', 'in_complaint', 'customer_id', 'customer_program_id', 'pricing_mode'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  allow: { add: false, change: false, delete: false },
  inlines: [
    { resource: 'nadooit_api_executions_system.status_changes', field: 'execution_id' },
    { resource: 'nadoo_complaint_management.complaints', field: 'execution_id' },
  ],
  actions: [
    {
      name: 'set_payment_status',
      label: { de: 'Zahlungsstatus setzen', en: 'Set payment status' },
      description: {
        de: 'Erlaubt sind: Offen → Bezahlt oder Storniert, Bezahlt → Erstattet. Stornieren und Erstatten schreiben die vom Zeitkonto abgebuchten Sekunden zurück.',
        en: 'Allowed: open → paid or revoked, paid → refunded. Revoking and refunding credit back the seconds drawn from the time account.',
      },
      permission: 'change',
      fields: [{ name: 'status', label: { de: 'Neuer Status', en: 'New status' }, type: 'choice', required: true, choices: STATUS_CHOICES }, note],
      async run(ctx, ids, values) {
        for (const executionId of ids) {
          await setPaymentStatus(ctx.tx, { ...staffActor(ctx), executionId, status: values.status as PaymentStatus, note: (values.note as string | null) ?? null });
        }
      },
    },
    {
      name: 'refund',
      label: { de: 'Erstatten', en: 'Refund' },
      description: {
        de: 'Storniert offene und erstattet bezahlte Ausführungen; genau die vom Zeitkonto abgebuchten Sekunden werden gutgeschrieben.',
        en: 'Revokes open and refunds paid executions; exactly the seconds drawn from the time account are credited back.',
      },
      permission: 'change',
      destructive: true,
      fields: [note],
      async run(ctx, ids, values) {
        for (const executionId of ids) await refundExecution(ctx.tx, { ...staffActor(ctx), executionId, note: (values.note as string | null) ?? null });
      },
    },
    {
      name: 'delete_with_refund',
      label: { de: 'Löschen mit Erstattung', en: 'Delete with refund' },
      description: {
        de: 'Storniert bzw. erstattet jede noch gültige Ausführung (genau die abgebuchten Sekunden gehen zurück) und löscht sie dann. Das Journal des Zeitkontos bleibt vollständig.',
        en: 'Revokes or refunds every execution still in force (exactly the drawn seconds go back), then deletes it. The time-account ledger stays complete.',
      },
      permission: 'delete',
      destructive: true,
      deletes: true,
      async run(ctx, ids) {
        for (const executionId of ids) {
          const execution = await executionById(ctx.tx, executionId);
          if (!execution) continue;
          if (cancellationOf(execution.payment_status)) await cancelExecution(ctx.tx, { executionId, actorUserId: ctx.actor.id, note: 'Gelöscht mit Erstattung' });
          await ctx.tx.deleteFrom('ex_executions').where('id', '=', executionId).execute();
        }
      },
    },
  ],
};

export const statusChangesResource: AdminResource = {
  app: 'nadooit_api_executions_system',
  appLabel,
  name: 'status_changes',
  table: 'ex_execution_status_changes',
  label: { de: 'Statusänderung', en: 'Status change' },
  labelPlural: { de: 'Statusänderungen', en: 'Status changes' },
  title: { columns: ['from_status', 'to_status'], format: (row, language) => `${STATUS_LABELS[row.from_status as PaymentStatus]?.[language]} → ${STATUS_LABELS[row.to_status as PaymentStatus]?.[language]}` },
  timestamps: 'created',
  fields: [
    createdAt({ de: 'Zeitpunkt', en: 'When' }),
    relation('execution_id', { de: 'Ausführung', en: 'Execution' }, 'nadooit_api_executions_system.executions', 'cascade', ro),
    { name: 'from_status', label: { de: 'Von', en: 'From' }, type: 'choice', choices: STATUS_CHOICES, readOnly: true },
    { name: 'to_status', label: { de: 'Nach', en: 'To' }, type: 'choice', choices: STATUS_CHOICES, readOnly: true },
    { name: 'credited_seconds', label: { de: 'Gutgeschrieben', en: 'Credited' }, type: 'seconds', readOnly: true },
    { name: 'note', label: { de: 'Notiz', en: 'Note' }, type: 'text', readOnly: true },
    relation('actor_user_id', { de: 'Durch', en: 'By' }, 'nadooit_auth.users', 'set null', ro),
  ],
  list: {
    columns: ['created_at', 'execution_id', 'from_status', 'to_status', 'credited_seconds', 'actor_user_id'],
    filters: ['to_status', 'created_at', 'execution_id'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  allow: { add: false, change: false, delete: false },
};

export const priceTiersResource: AdminResource = {
  app: 'nadooit_api_executions_system',
  appLabel,
  name: 'price_tiers',
  table: 'ex_price_tiers',
  label: { de: 'Preisstaffel', en: 'Price tier' },
  labelPlural: { de: 'Preisstaffeln', en: 'Price tiers' },
  help: {
    de: 'Ohne Kundenprogramm gilt die Stufe für alle Programme im Staffelpreis-Modell, die keine eigene Tabelle haben. Eine eigene Tabelle muss bei 0 Sekunden beginnen.',
    en: 'Without a customer program the tier belongs to the default table of every tiered program without its own. An own table must start at 0 seconds.',
  },
  title: { columns: ['from_seconds', 'price_per_hour'], format: (row) => `ab ${Math.floor(Number(row.from_seconds) / 3600)} h` },
  fields: [
    relation('customer_program_id', { de: 'Kundenprogramm', en: 'Customer program' }, 'nadooit_program_ownership_system.customer_programs', 'cascade'),
    { name: 'from_seconds', label: { de: 'Ab genutzter Zeit (Sekunden)', en: 'From time used (seconds)' }, type: 'seconds', required: true, min: 0 },
    { name: 'price_per_hour', label: { de: 'Preis pro Stunde', en: 'Price per hour' }, type: 'money', required: true, min: 0 },
    createdAt(),
  ],
  list: { columns: ['customer_program_id', 'from_seconds', 'price_per_hour'], filters: ['customer_program_id'], ordering: { field: 'from_seconds', direction: 'asc' } },
};

/** Running totals per customer program, kept by the booking service (the tier lookup); read-only. */
export const countersResource: AdminResource = {
  app: 'nadooit_api_executions_system',
  appLabel,
  name: 'counters',
  table: 'ex_customer_program_counters',
  primaryKey: 'customer_program_id',
  label: { de: 'Zähler eines Kundenprogramms', en: 'Customer program counter' },
  labelPlural: { de: 'Zähler der Kundenprogramme', en: 'Customer program counters' },
  help: {
    de: 'Berechnete Sekunden und Ausführungen, die noch zählen (nicht storniert oder erstattet); sie bestimmen die Preisstaffel.',
    en: 'Billed seconds and executions that still count (not revoked or refunded); they choose the price tier.',
  },
  title: { columns: ['customer_program_id'], load: customerProgramTitles },
  timestamps: 'none',
  fields: [
    relation('customer_program_id', { de: 'Kundenprogramm', en: 'Customer program' }, 'nadooit_program_ownership_system.customer_programs', 'cascade', ro),
    { name: 'billable_seconds', label: { de: 'Berechnete Zeit', en: 'Billed time' }, type: 'seconds', readOnly: true },
    { name: 'executions', label: { de: 'Ausführungen', en: 'Executions' }, type: 'integer', readOnly: true },
    updatedAt(),
  ],
  list: { columns: ['customer_program_id', 'billable_seconds', 'executions', 'updated_at'], ordering: { field: 'updated_at', direction: 'desc' }, sortable: ['billable_seconds'] },
  allow: { add: false, change: false, delete: false },
};

export const executionResources: AdminResource[] = [executionsResource, statusChangesResource, priceTiersResource, countersResource];
