import { CsrfField, Field, Select } from '../../core/ui/components.js';
import type { PageContext } from '../../core/ui/page-context.js';
import type { Customer } from '../../nadooit_crm/services.js';
import { ProcessChainDiagram } from '../../nadooit_workflow/diagram.js';
import type { ProcessChain } from '../../nadooit_workflow/chain.js';
import type { ProcessDetails } from '../../nadooit_workflow/processes.js';
import type { Viewer } from '../access.js';
import { workflowPaths } from '../paths.js';
import { Banner, Section, Table } from './common.js';
import { DashboardLayout, PageHeader } from './shell.js';

export interface CustomerProcesses {
  customer: Customer;
  processes: ProcessDetails[];
  chain: ProcessChain;
  programNames: Map<string, string>;
  /** Programs the form offers (licensed to the customer). */
  programs: Array<{ value: string; label: string }>;
  mayWrite: boolean;
}

function names(ids: readonly string[], lookup: ReadonlyMap<string, string>, none: string): string {
  return ids.map((id) => lookup.get(id) ?? '?').join(', ') || none;
}

/** The form of one process: create (no process) or edit. */
export function ProcessForm(props: { ctx: PageContext; group: CustomerProcesses; process?: ProcessDetails; error?: string }): JSX.Element {
  const { ctx, group, process } = props;
  const others = group.processes.filter((p) => p.id !== process?.id).map((p) => ({ value: p.id, label: p.name }));
  const action = process ? workflowPaths.process(process.id) : workflowPaths.create(group.customer.id);
  return (
    <form method="post" action={action} class="process-form">
      <CsrfField ctx={ctx} />
      {props.error ? <Banner kind="danger" text={props.error} /> : ''}
      <Field name="name" label={ctx.t('workflow.name')} value={process?.name ?? ''} required />
      <div class="mb-3">
        <label class="form-label" for="field-description" safe>{ctx.t('workflow.description')}</label>
        <textarea id="field-description" name="description" class="form-control" rows="3" safe>{process?.description ?? ''}</textarea>
      </div>
      <Select name="programIds" label={ctx.t('workflow.programs')} options={group.programs} value={process?.programIds ?? []} multiple />
      <Select name="triggerProcessId" label={ctx.t('workflow.trigger')} options={[{ value: '', label: ctx.t('workflow.none') }, ...others]} value={process?.trigger_process_id ?? ''} />
      <Select name="triggersIds" label={ctx.t('workflow.triggers')} options={others} value={process?.triggersIds ?? []} multiple />
      <button type="submit" class="btn btn-primary" safe>{process ? ctx.t('workflow.save') : ctx.t('workflow.create')}</button>
    </form>
  );
}

function CustomerBlock({ ctx, group }: { ctx: PageContext; group: CustomerProcesses }): JSX.Element {
  const byId = new Map(group.processes.map((p) => [p.id, p.name]));
  const none = ctx.t('workflow.none');
  return (
    <Section title={group.customer.name} id={`processes-${group.customer.id}`}>
      <h3 class="h6" safe>{ctx.t('workflow.chain')}</h3>
      <div class="process-chain-wrap overflow-auto mb-3">
        <ProcessChainDiagram nodes={group.chain.nodes} edges={group.chain.edges} title={`${ctx.t('workflow.chain')} ${group.customer.name}`} emptyText={ctx.t('workflow.empty')} />
      </div>
      <Table
        class="processes-table"
        columns={[ctx.t('workflow.name'), ctx.t('workflow.programs'), ctx.t('workflow.trigger'), ctx.t('workflow.triggers')]}
        count={group.processes.length}
      >
        {group.processes.map((p) => (
          <tr>
            <td>
              <a href={workflowPaths.process(p.id)} safe>{p.name}</a>
              {p.description ? <div class="small text-muted" safe>{p.description}</div> : ''}
            </td>
            <td safe>{names(p.programIds, group.programNames, none)}</td>
            <td safe>{p.trigger_process_id ? (byId.get(p.trigger_process_id) ?? '?') : none}</td>
            <td safe>{names(p.triggersIds, byId, none)}</td>
          </tr>
        ))}
      </Table>
      {group.mayWrite ? (
        <details class="mt-3">
          <summary safe>{ctx.t('workflow.create')}</summary>
          <div class="mt-3"><ProcessForm ctx={ctx} group={group} /></div>
        </details>
      ) : (
        ''
      )}
    </Section>
  );
}

export function ProcessesPage({ ctx, viewer, groups, error }: { ctx: PageContext; viewer: Viewer; groups: CustomerProcesses[]; error?: string }): JSX.Element {
  return (
    <DashboardLayout ctx={ctx} viewer={viewer} title={ctx.t('workflow.title')}>
      <PageHeader title={ctx.t('workflow.title')} lead={ctx.t('workflow.lead')} />
      {error ? <Banner kind="danger" text={error} /> : ''}
      {groups.map((group) => (
        <CustomerBlock ctx={ctx} group={group} />
      ))}
    </DashboardLayout>
  );
}

export function ProcessPage(props: { ctx: PageContext; viewer: Viewer; group: CustomerProcesses; process: ProcessDetails; chain: ProcessChain; mayDelete: boolean; error?: string }): JSX.Element {
  const { ctx, process } = props;
  return (
    <DashboardLayout ctx={ctx} viewer={props.viewer} title={process.name}>
      <PageHeader title={process.name} lead={props.group.customer.name} actions={<a class="btn btn-outline-secondary" href={workflowPaths.overview} safe>{ctx.t('workflow.back')}</a>} />
      <Section title={ctx.t('workflow.chain')}>
        <div class="process-chain-wrap overflow-auto">
          <ProcessChainDiagram nodes={props.chain.nodes} edges={props.chain.edges} highlight={process.id} title={`${ctx.t('workflow.chain')} ${process.name}`} emptyText={ctx.t('workflow.empty')} />
        </div>
      </Section>
      {props.group.mayWrite ? (
        <Section title={ctx.t('workflow.edit')}>
          <ProcessForm ctx={ctx} group={props.group} process={process} error={props.error} />
        </Section>
      ) : (
        <Section title={ctx.t('workflow.description')}>
          <p safe>{process.description || ctx.t('workflow.none')}</p>
        </Section>
      )}
      {props.mayDelete ? (
        <form method="post" action={workflowPaths.delete(process.id)}>
          <CsrfField ctx={ctx} />
          <button type="submit" class="btn btn-outline-danger" safe>{ctx.t('workflow.delete')}</button>
        </form>
      ) : (
        ''
      )}
    </DashboardLayout>
  );
}
