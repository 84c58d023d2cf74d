import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { DomainError } from '../../core/errors.js';
import { formList, formString } from '../../core/ui/forms.js';
import { requireUser } from '../../nadooit_auth/guards.js';
import { getCustomer, listCustomers } from '../../nadooit_crm/services.js';
import type { Customer } from '../../nadooit_crm/services.js';
import { programsByName } from '../../nadooit_program/services.js';
import { programIdsLicensedTo } from '../../nadooit_program_ownership_system/services.js';
import { customerProcessChain, processChain } from '../../nadooit_workflow/chain.js';
import { createProcess, customersWithProcessAccess, deleteProcess, mayAccessProcesses, updateProcess } from '../../nadooit_workflow/processes.js';
import type { ProcessInput } from '../../nadooit_workflow/processes.js';
import { workflowPaths } from '../paths.js';
import { ProcessesPage, ProcessPage } from '../views/processes.js';
import type { CustomerProcesses } from '../views/processes.js';
import { dashboardPage, replyNoRole, uuidParam } from './context.js';

function processInput(body: unknown): ProcessInput {
  return {
    name: formString(body, 'name'),
    description: formString(body, 'description'),
    triggerProcessId: formString(body, 'triggerProcessId') || null,
    programIds: formList(body, 'programIds'),
    triggersIds: formList(body, 'triggersIds'),
  };
}

/** "Prozesse": the customer's process definitions with the chain drawn as SVG (nadooit_workflow's rule decides who sees and edits). */
export function processRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;
  const actor = (request: FastifyRequest) => ({ actorUserId: requireUser(request).id });

  async function groupOf(request: FastifyRequest, customer: Customer): Promise<CustomerProcesses> {
    const { processes, chain, programNames } = await customerProcessChain(db, { ...actor(request), customerId: customer.id });
    const licensed = await programsByName(db, { ids: await programIdsLicensedTo(db, [customer.id]) });
    return {
      customer,
      processes,
      chain,
      programNames,
      programs: licensed.map((p) => ({ value: p.id, label: p.name })),
      mayWrite: await mayAccessProcesses(db, actor(request), customer.id, 'write'),
    };
  }

  scope.get('/workflow/processes', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    const ids = await customersWithProcessAccess(db, actor(request));
    const customers = ids === 'all' ? [] : await listCustomers(db, { ids });
    if (!customers.length) return replyNoRole(reply, ctx, viewer, ctx.t('workflow.title'));
    const groups = await Promise.all(customers.map((customer) => groupOf(request, customer)));
    return reply.html(<ProcessesPage ctx={ctx} viewer={viewer} groups={groups} />);
  });

  /** Runs a write; a refusal the person can act on re-renders the process page (or the overview) with the message. */
  async function write(request: FastifyRequest, reply: FastifyReply, action: () => Promise<string>, customerId: string, processId?: string): Promise<FastifyReply> {
    try {
      return reply.redirect(await action(), 303);
    } catch (error) {
      if (!(error instanceof DomainError) || error.statusCode >= 500 || error.statusCode === 404) throw error;
      const { ctx, viewer } = await dashboardPage(request, app);
      const customer = (await getCustomer(db, customerId))!;
      const group = await groupOf(request, customer);
      const status = error.statusCode === 403 ? 403 : 400;
      const process = group.processes.find((p) => p.id === processId);
      if (!process) return reply.html(<ProcessesPage ctx={ctx} viewer={viewer} groups={[group]} error={error.message} />, status);
      const { chain } = await processChain(db, { ...actor(request), id: process.id });
      return reply.html(<ProcessPage ctx={ctx} viewer={viewer} group={group} process={process} chain={chain} mayDelete={false} error={error.message} />, status);
    }
  }

  scope.post('/workflow/processes/:customerId', async (request, reply) => {
    const customerId = uuidParam(request, 'customerId');
    return write(request, reply, async () => {
      const created = await createProcess(db, { ...actor(request), customerId, ...processInput(request.body) });
      return workflowPaths.process(created.id);
    }, customerId);
  });

  scope.get('/workflow/process/:processId', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    const { process, chain } = await processChain(db, { ...actor(request), id: uuidParam(request, 'processId') });
    const customer = (await getCustomer(db, process.customer_id))!;
    const group = await groupOf(request, customer);
    const mayDelete = await mayAccessProcesses(db, actor(request), customer.id, 'delete');
    return reply.html(<ProcessPage ctx={ctx} viewer={viewer} group={group} process={process} chain={chain} mayDelete={mayDelete} />);
  });

  scope.post('/workflow/process/:processId', async (request, reply) => {
    const { process } = await processChain(db, { ...actor(request), id: uuidParam(request, 'processId') });
    return write(request, reply, async () => {
      await updateProcess(db, { ...actor(request), id: process.id, ...processInput(request.body) });
      return workflowPaths.process(process.id);
    }, process.customer_id, process.id);
  });

  scope.post('/workflow/process/:processId/delete', async (request, reply) => {
    await deleteProcess(db, { ...actor(request), id: uuidParam(request, 'processId') });
    return reply.redirect(workflowPaths.overview, 303);
  });
}
