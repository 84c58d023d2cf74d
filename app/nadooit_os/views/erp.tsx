import { CsrfField, EmptyState, Field } from '../../core/ui/components.js';
import type { FieldErrors } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import { formatDateTime, moneyInput } from '../../core/admin/values.js';
import { formatMoney } from '../../core/ui/format.js';
import { MANUAL_KINDS } from '../../nadoo_erp/services/index.js';
import type { Item, ItemText, LowStockAlert, RowError, StockMovement } from '../../nadoo_erp/services/index.js';
import type { Customer } from '../../nadooit_crm/services.js';
import type { Viewer } from '../access.js';
import { erpPaths } from '../paths-erp.js';
import { Banner, Section, Table } from './common.js';
import { DashboardLayout, PageHeader } from './shell.js';

/** The text an item form shows for an existing item. */
export function itemFormValues(item: Item): ItemText {
  return {
    sku: item.sku,
    description: item.description,
    price: moneyInput(item.price_micro),
    currency: item.currency,
    condition: item.condition,
    minimum_quantity: String(item.minimum_quantity),
    allow_negative: item.allow_negative ? 'ja' : '',
    location: item.location,
    delivery_options: item.delivery_options,
    link: item.link ?? '',
    img_link: item.img_link ?? '',
  };
}

/** Create and edit form of an item; `withQuantity` adds the opening stock (create only). */
export function ItemForm(props: { ctx: PageContext; action: string; values: ItemText; errors?: FieldErrors; withQuantity: boolean; button: string; id: string }): JSX.Element {
  const { ctx, values, errors } = props;
  const t = ctx.t;
  const field = (name: keyof ItemText, extra: { required?: boolean; inputmode?: string; type?: string } = {}) => (
    <div class="col-md-4">
      <Field name={name} label={t(`erp.field.${name}`)} value={values[name] ?? ''} errors={errors} {...extra} />
    </div>
  );
  return (
    <form method="post" action={props.action} id={props.id} novalidate>
      <CsrfField ctx={ctx} />
      {errors && Object.keys(errors).length ? <Banner kind="danger" text={t('core.form.invalid')} /> : ''}
      <div class="row">
        {field('sku', { required: true })}
        {field('price', { required: true, inputmode: 'decimal' })}
        {field('currency')}
        <div class="col-12">
          <Field name="description" label={t('erp.field.description')} value={values.description ?? ''} errors={errors} required />
        </div>
        {props.withQuantity ? field('quantity', { inputmode: 'numeric' }) : ''}
        {field('minimum_quantity', { inputmode: 'numeric' })}
        {field('condition')}
        {field('location')}
        {field('delivery_options')}
        {field('link', { type: 'url' })}
        {field('img_link', { type: 'url' })}
        <div class="col-md-4 d-flex align-items-center">
          <div class="form-check mt-3">
            <input class="form-check-input" type="checkbox" id="field-allow_negative" name="allow_negative" value="ja" checked={Boolean(values.allow_negative)} />
            <label class="form-check-label" for="field-allow_negative" safe>{t('erp.field.allow_negative')}</label>
          </div>
        </div>
      </div>
      <button type="submit" class="btn btn-primary" safe>{props.button}</button>
    </form>
  );
}

export interface ErpCustomerBlock {
  customer: Customer;
  items: Item[];
  alerts: LowStockAlert[];
  importErrors?: RowError[];
  newItem?: { values: ItemText; errors: FieldErrors };
}

/** "Artikel & Lager": per customer its low-stock alerts, items, CSV export/import and a form for a new item. */
export function ErpPage({ ctx, viewer, blocks, query }: { ctx: PageContext; viewer: Viewer; blocks: ErpCustomerBlock[]; query: { q: string; low: boolean } }): JSX.Element {
  const t = ctx.t;
  return (
    <DashboardLayout ctx={ctx} viewer={viewer} title={t('erp.title')}>
      <PageHeader title={t('erp.title')} lead={t('erp.lead')} />
      <form method="get" action={erpPaths.home} class="row g-2 align-items-end mb-4" id="erp-search">
        <div class="col-md-5">
          <label class="form-label small mb-1" for="erp-q" safe>{t('erp.search')}</label>
          <input class="form-control" id="erp-q" name="q" value={query.q} />
        </div>
        <div class="col-auto form-check ms-2 mb-2">
          <input class="form-check-input" type="checkbox" id="erp-low" name="low" value="1" checked={query.low} />
          <label class="form-check-label" for="erp-low" safe>{t('erp.low_only')}</label>
        </div>
        <div class="col-auto">
          <button class="btn btn-outline-primary" type="submit" safe>{t('erp.search')}</button>
        </div>
      </form>
      {blocks.map((b) => (
        <Section title={b.customer.name} id={`erp-${b.customer.id}`}>
          {b.alerts.length ? (
            <div class="alert alert-warning" id={`erp-alerts-${b.customer.id}`}>
              <strong safe>{t('erp.alerts')}</strong>
              <ul class="mb-0">
                {b.alerts.map((a) => (
                  <li safe>{t('erp.alert.text', { sku: a.sku, description: a.description, quantity: a.quantity, minimum: a.minimum_quantity })}</li>
                ))}
              </ul>
            </div>
          ) : (
            ''
          )}
          {b.importErrors ? (
            <div class="alert alert-danger" id="erp-import-errors">
              <p safe>{t('erp.import.refused')}</p>
              <Table class="table-sm mb-0" columns={[t('erp.import.row'), t('erp.import.column'), t('erp.import.message')]} count={b.importErrors.length}>
                {b.importErrors.map((e) => (
                  <tr>
                    <td safe>{String(e.row)}</td>
                    <td safe>{e.field}</td>
                    <td safe>{e.message}</td>
                  </tr>
                ))}
              </Table>
            </div>
          ) : (
            ''
          )}
          <div class="d-flex flex-wrap gap-2 align-items-end mb-3">
            <a class="btn btn-outline-secondary" href={erpPaths.export(b.customer.id)}>
              <i class="bi bi-download"></i> <span safe>{t('erp.export')}</span>
            </a>
            <form method="post" action={erpPaths.import(b.customer.id)} enctype="multipart/form-data" class="d-flex gap-2 align-items-end">
              <CsrfField ctx={ctx} />
              <div>
                <label class="form-label small mb-1" for={`erp-file-${b.customer.id}`} safe>{t('erp.import.file')}</label>
                <input class="form-control" type="file" accept=".csv,text/csv" name="file" id={`erp-file-${b.customer.id}`} required />
              </div>
              <button class="btn btn-outline-primary" type="submit" safe>{t('erp.import')}</button>
            </form>
          </div>
          <Table
            class="table-hover erp-items"
            columns={[t('erp.field.sku'), t('erp.field.description'), { label: t('erp.field.price'), end: true }, { label: t('erp.field.stock'), end: true }, { label: t('erp.field.minimum_quantity'), end: true }, t('erp.field.location')]}
            count={b.items.length}
            empty={{ text: t('erp.none'), icon: 'box-seam' }}
          >
            {b.items.map((i) => (
              <tr data-sku={i.sku}>
                <td>
                  <a href={erpPaths.item(i.id)} safe>{i.sku}</a>
                </td>
                <td safe>{i.description}</td>
                <td class="text-end text-nowrap" safe>{formatMoney(i.price_micro, ctx.language, i.currency)}</td>
                <td class={`text-end ${i.quantity_available < i.minimum_quantity ? 'text-danger fw-bold' : ''}`} safe>{String(i.quantity_available)}</td>
                <td class="text-end" safe>{String(i.minimum_quantity)}</td>
                <td safe>{i.location}</td>
              </tr>
            ))}
          </Table>
          <details class="mt-3" open={Boolean(b.newItem)}>
            <summary class="h6" safe>{t('erp.new')}</summary>
            <ItemForm ctx={ctx} action={erpPaths.items(b.customer.id)} values={b.newItem?.values ?? {}} errors={b.newItem?.errors} withQuantity button={t('erp.new')} id={`erp-new-${b.customer.id}`} />
          </details>
        </Section>
      ))}
    </DashboardLayout>
  );
}

export interface ItemPageProps {
  ctx: PageContext;
  viewer: Viewer;
  customer: Customer;
  item: Item;
  movements: StockMovement[];
  form: { values: ItemText; errors?: FieldErrors };
  timeZone: string;
}

/** One item: its fields (editable), a stock movement form and the ledger of movements. */
export function ItemPage(p: ItemPageProps): JSX.Element {
  const { ctx, item } = p;
  const t = ctx.t;
  return (
    <DashboardLayout ctx={ctx} viewer={p.viewer} title={`${item.sku} – ${item.description}`}>
      <PageHeader
        title={`${item.sku} – ${item.description}`}
        lead={p.customer.name}
        actions={
          <a class="btn btn-outline-secondary" href={erpPaths.home} safe>
            {t('erp.back')}
          </a>
        }
      />
      <div class="row">
        <div class="col-lg-7">
          <Section title={t('erp.save')} id="erp-item-form">
            <ItemForm ctx={ctx} action={erpPaths.item(item.id)} values={p.form.values} errors={p.form.errors} withQuantity={false} button={t('erp.save')} id="erp-edit" />
          </Section>
        </div>
        <div class="col-lg-5">
          <Section title={t('erp.move')} id="erp-move">
            <p class="fs-4">
              <span class="text-muted fs-6" safe>{t('erp.field.stock')}: </span>
              <strong id="erp-stock" safe>{String(item.quantity_available)}</strong>
            </p>
            <form method="post" action={erpPaths.itemMovements(item.id)}>
              <CsrfField ctx={ctx} />
              <div class="mb-2">
                <label class="form-label" for="erp-kind" safe>{t('erp.move.kind')}</label>
                <select class="form-select" id="erp-kind" name="kind">
                  {MANUAL_KINDS.map((k) => (
                    <option value={k} safe>{t(`erp.kind.${k}`)}</option>
                  ))}
                </select>
              </div>
              <Field name="quantity" label={t('erp.move.quantity')} inputmode="numeric" required />
              <Field name="note" label={t('erp.move.note')} />
              <button class="btn btn-primary" type="submit" safe>{t('erp.move')}</button>
            </form>
          </Section>
          <form method="post" action={erpPaths.itemDelete(item.id)} class="text-end mb-4">
            <CsrfField ctx={ctx} />
            <button class="btn btn-outline-danger btn-sm" type="submit" safe>{t('erp.delete')}</button>
          </form>
        </div>
      </div>
      <Section title={t('erp.movements')} id="erp-movements">
        <Table
          class="table-sm"
          columns={[t('erp.col.no'), t('erp.move.kind'), { label: t('erp.move.quantity'), end: true }, { label: t('erp.col.after'), end: true }, t('erp.move.note'), t('erp.col.when')]}
          count={p.movements.length}
          empty={{ text: t('erp.movements.none'), icon: 'journal' }}
        >
          {p.movements.map((m) => (
            <tr>
              <td safe>{String(m.seq)}</td>
              <td safe>{t(`erp.kind.${m.kind}`)}</td>
              <td class={`text-end ${m.quantity < 0 ? 'text-danger' : 'text-success'}`} safe>{String(m.quantity)}</td>
              <td class="text-end" safe>{String(m.quantity_after)}</td>
              <td safe>{m.note ?? ''}</td>
              <td class="text-nowrap" safe>{formatDateTime(m.created_at, p.timeZone, ctx.language)}</td>
            </tr>
          ))}
        </Table>
      </Section>
    </DashboardLayout>
  );
}
