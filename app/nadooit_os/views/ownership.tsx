import type { PageContext } from '../../core/ui/page-context.js';
import type { ExecutionSums } from '../../nadooit_api_executions_system/services/queries.js';
import type { ProgramOwnership } from '../../nadooit_program_ownership_system/ownership.js';
import { programShareLabel } from '../../nadooit_program_ownership_system/services.js';
import type { Viewer } from '../access.js';
import { formatDuration, formatMoney, formatRate } from '../../core/ui/format.js';
import { Section, Table } from './common.js';
import { DashboardLayout, PageHeader } from './shell.js';

export interface OwnershipEntry extends ProgramOwnership {
  /** Execution figures per licence id. */
  runs: Map<string, ExecutionSums>;
  customerNames: Map<string, string>;
}

function ProgramBlock({ ctx, entry }: { ctx: PageContext; entry: OwnershipEntry }): JSX.Element {
  const t = ctx.t;
  return (
    <Section title={entry.program.name} id={`ownership-${entry.program.id}`}>
      {entry.program.description ? <p class="text-muted" safe>{entry.program.description}</p> : ''}
      <h3 class="h6" safe>{t('ownership.licences')}</h3>
      <Table
        class="ownership-licences"
        columns={[t('ownership.customer'), t('ownership.price_per_second'), { label: t('ownership.executions'), end: true }, { label: t('ownership.saved'), end: true }, { label: t('ownership.open'), end: true }, '']}
        count={entry.licences.length}
        empty={{ text: t('ownership.no_licences'), icon: 'key' }}
      >
        {entry.licences.map((l) => {
          const runs = entry.runs.get(l.id);
          const customerName: string = l.customer_id ? (entry.customerNames.get(l.customer_id) ?? '?') : '–';
          return (
            <tr>
              <td safe>{customerName}</td>
              <td safe>{formatRate(l.price_per_second, ctx.language, l.currency)}</td>
              <td class="text-end">{runs?.count ?? 0}</td>
              <td class="text-end" safe>{formatDuration(runs?.timeSavedSeconds ?? 0)}</td>
              <td class="text-end" safe>{formatMoney(runs?.openPrice[l.currency] ?? 0, ctx.language, l.currency)}</td>
              <td>
                <span class={`badge ${l.is_active ? 'text-bg-success' : 'text-bg-secondary'}`} safe>{t(l.is_active ? 'ownership.active' : 'ownership.inactive')}</span>
              </td>
            </tr>
          );
        })}
      </Table>
      <h3 class="h6" safe>{t('ownership.shares')}</h3>
      {entry.shares.length ? (
        <ul class="ownership-shares">
          {entry.shares.map((s) => (
            <li safe>{programShareLabel(s, entry.program.name)}</li>
          ))}
        </ul>
      ) : (
        <p class="text-muted">–</p>
      )}
    </Section>
  );
}

/** The customer overview and the staff overview (the original's placeholders at /program_ownership/…). */
export function OwnershipPage(props: { ctx: PageContext; viewer: Viewer; staff: boolean; entries: OwnershipEntry[] }): JSX.Element {
  const { ctx } = props;
  const title = ctx.t(props.staff ? 'ownership.staff.title' : 'ownership.title');
  return (
    <DashboardLayout ctx={ctx} viewer={props.viewer} title={title}>
      <PageHeader title={title} lead={ctx.t(props.staff ? 'ownership.staff.lead' : 'ownership.lead')} />
      {props.entries.length ? props.entries.map((entry) => <ProgramBlock ctx={ctx} entry={entry} />) : <p class="text-muted" safe>{ctx.t('ownership.empty')}</p>}
    </DashboardLayout>
  );
}
