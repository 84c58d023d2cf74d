import { createdAt, flag, relation, staffActor, updatedAt } from '../core/admin/fields.js';
import type { AdminResource, Row } from '../core/admin/types.js';
import type { DB } from '../core/db/connection.js';
import { createCustomerProgram, createProgramShare, PRICING_MODES, programShareLabel, updateCustomerProgram } from './services.js';
import type { CustomerProgramFields } from './services.js';
import type { PricingMode } from './models.js';
import './models.js';

const appLabel = { de: 'Programmlizenzen', en: 'Program licences' };

/** "Program – Customer" for customer programs (the original showed the id and the program name). */
export async function customerProgramTitles(db: DB, ids: string[]): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('pos_customer_programs as cp')
    .leftJoin('program_programs as p', 'p.id', 'cp.program_id')
    .leftJoin('crm_customers as c', 'c.id', 'cp.customer_id')
    .select(['cp.id', 'p.name as program', 'c.name as customer'])
    .where('cp.id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, `${r.program ?? '?'} – ${r.customer ?? '?'}`]));
}

const PRICING_LABELS: Record<PricingMode, { de: string; en: string }> = {
  fixed: { de: 'Fester Preis pro Sekunde', en: 'Fixed price per second' },
  tiered: { de: 'Staffelpreis nach genutzten Stunden', en: 'Tiered by hours used' },
};

function fields(values: Row): Omit<CustomerProgramFields, 'programId'> {
  return {
    timeAccountId: (values.time_account_id as string | null) ?? null,
    defaultSecondsPerRun: Number(values.program_time_saved_per_execution_in_seconds ?? 0),
    pricingMode: values.pricing_mode as PricingMode,
    pricePerSecondMicros: Number(values.price_per_second ?? 0),
    currency: String(values.currency ?? 'EUR'),
    overCharge: values.over_charge === true,
    isActive: values.is_active === true,
  };
}

export const customerProgramsResource: AdminResource = {
  app: 'nadooit_program_ownership_system',
  appLabel,
  name: 'customer_programs',
  table: 'pos_customer_programs',
  label: { de: 'Kundenprogramm', en: 'Customer program' },
  labelPlural: { de: 'Kundenprogramme', en: 'Customer programs' },
  help: {
    de: 'Ein Programm, das ein Kunde nutzt, mit Preis und dem Zeitkonto, von dem seine Ausführungen abgebucht werden. Die ID ist die program_id der Bots.',
    en: "A program a customer uses, with its price and the time account its runs draw from. Its id is the bots' program_id.",
  },
  title: { columns: ['program_id', 'customer_id'], format: (row) => String(row.id), load: customerProgramTitles },
  fields: [
    relation('program_id', { de: 'Programm', en: 'Program' }, 'nadooit_program.programs', 'set null', { required: true, createOnly: true }),
    relation('customer_id', { de: 'Kunde', en: 'Customer' }, 'nadooit_crm.customers', 'set null', { required: true, createOnly: true }),
    relation('time_account_id', { de: 'Zeitkonto', en: 'Time account' }, 'nadooit_time_account.time_accounts', 'set null', {
      help: { de: 'Vorausbezahlte Zeit, von der jede Ausführung abgebucht wird.', en: 'Prepaid time every run draws from.' },
    }),
    {
      name: 'program_time_saved_per_execution_in_seconds',
      label: { de: 'Zeitersparnis pro Ausführung (Sekunden)', en: 'Time saved per run (seconds)' },
      type: 'seconds',
      required: true,
      min: 0,
      initial: 0,
      help: { de: 'Gilt, wenn der Bot keine eigene Zeit meldet.', en: 'Used when the bot reports no time of its own.' },
    },
    {
      name: 'pricing_mode',
      label: { de: 'Preismodell', en: 'Pricing' },
      type: 'choice',
      required: true,
      initial: 'fixed',
      choices: PRICING_MODES.map((m) => ({ value: m, label: PRICING_LABELS[m] })),
    },
    {
      name: 'price_per_second',
      label: { de: 'Preis pro Sekunde', en: 'Price per second' },
      type: 'money',
      rate: true,
      currencyField: 'currency',
      required: true,
      min: 0,
      initial: 0,
      help: { de: 'Für nicht durch das Zeitkonto gedeckte Sekunden (fester Preis), z. B. 0,01.', en: 'For seconds the time account does not cover (fixed price), e.g. 0.01.' },
    },
    {
      name: 'currency',
      label: { de: 'Währung', en: 'Currency' },
      type: 'text',
      required: true,
      maxLength: 3,
      initial: 'EUR',
      refine: (schema) => schema.refine((v) => /^[A-Z]{3}$/.test(String(v)), { message: 'ISO 4217, z. B. / e.g. EUR' }),
    },
    flag('over_charge', { de: 'Überziehung erlaubt', en: 'Overdraft allowed' }, { help: { de: 'Aus dem Original übernommen, ohne Wirkung.', en: 'Kept from the original, no effect.' } }),
    flag('is_active', { de: 'Aktiv', en: 'Active' }, { initial: true, help: { de: 'Inaktive Kundenprogramme lehnen Buchungen ab.', en: 'Inactive customer programs refuse bookings.' } }),
    createdAt(),
    updatedAt(),
  ],
  list: {
    columns: ['id', 'program_id', 'customer_id', 'time_account_id', 'pricing_mode', 'price_per_second', 'is_active'],
    optionalColumns: ['program_time_saved_per_execution_in_seconds', 'created_at'],
    search: [{ field: 'id', mode: 'exact' }, 'program_id', 'customer_id'],
    filters: ['is_active', 'pricing_mode', 'customer_id', 'program_id'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  inlines: [{ resource: 'nadooit_api_executions_system.executions', field: 'customer_program_id', limit: 10 }],
  hooks: {
    async create(ctx, values) {
      const created = await createCustomerProgram(ctx.tx, {
        ...staffActor(ctx),
        ...fields(values),
        programId: String(values.program_id),
        customerId: String(values.customer_id),
      });
      return created.id;
    },
    update: async (ctx, id, values) => void (await updateCustomerProgram(ctx.tx, { ...staffActor(ctx), id, patch: fields(values) })),
  },
};

export const programSharesResource: AdminResource = {
  app: 'nadooit_program_ownership_system',
  appLabel,
  name: 'program_shares',
  table: 'pos_program_shares',
  label: { de: 'Programmanteil', en: 'Program share' },
  labelPlural: { de: 'Programmanteile', en: 'Program shares' },
  title: { columns: ['share_of'], format: (row) => programShareLabel(row as never) },
  fields: [relation('share_of', { de: 'Anteil an', en: 'Share of' }, 'nadooit_program.programs', 'set null', { createOnly: true }), createdAt()],
  list: { columns: ['id', 'share_of', 'created_at'], filters: ['share_of'], ordering: { field: 'created_at', direction: 'desc' } },
  allow: { change: false },
  hooks: { create: async (ctx, values) => (await createProgramShare(ctx.tx, (values.share_of as string | null) ?? null)).id },
};

export const programOwnershipResources: AdminResource[] = [customerProgramsResource, programSharesResource];
