import type { AppContext } from '../../core/app-module.js';
import { PermissionDenied } from '../../core/errors.js';
import { processChain } from '../../nadooit_workflow/chain.js';
import { processesResource } from '../../nadooit_workflow/admin.js';
import { createProcess, deleteProcess, getProcess, processesOfCustomer, updateProcess } from '../../nadooit_workflow/processes.js';
import type { ProcessDetails, ProcessInput } from '../../nadooit_workflow/processes.js';
import { actorOf, principalOf } from '../auth.js';
import { IdParams, errors, items } from '../schemas.js';
import { Process, ProcessChain, ProcessCreate, ProcessQuery, ProcessWrite } from '../schemas-workspace.js';
import { staffMay } from '../scope.js';
import type { Api } from '../types.js';

const processOut = (p: ProcessDetails) => ({
  id: p.id,
  customer_id: p.customer_id,
  name: p.name,
  description: p.description,
  trigger_process_id: p.trigger_process_id,
  program_ids: p.programIds,
  triggers_ids: p.triggersIds,
  created_at: p.created_at,
  updated_at: p.updated_at,
});

const inputOf = (body: { name: string; description?: string; trigger_process_id?: string | null; program_ids?: string[]; triggers_ids?: string[] }): ProcessInput => ({
  name: body.name,
  description: body.description,
  triggerProcessId: body.trigger_process_id ?? null,
  programIds: body.program_ids,
  triggersIds: body.triggers_ids,
});

/** Process definitions: the customer's program managers (nadooit_workflow's rule), staff with the admin's permission on processes. */
export function processApiRoutes(api: Api, { db }: AppContext): void {
  const k = db.kysely;
  const actor = (request: Parameters<typeof principalOf>[0], permission: 'view' | 'add' | 'change' | 'delete') =>
    actorOf(request, staffMay(principalOf(request), [processesResource], permission));
  /** A key bound to one customer reaches only that customer's processes. */
  const checkKey = (request: Parameters<typeof principalOf>[0], customerId: string) => {
    const bound = principalOf(request).keyCustomerId;
    if (bound && bound !== customerId) throw new PermissionDenied();
  };

  api.get(
    '/processes',
    { schema: { tags: ['workflow'], summary: "A customer's processes with their programs and links, by name", querystring: ProcessQuery, response: { 200: items(Process), ...errors } } },
    async (request) => {
      checkKey(request, request.query.customer);
      return { items: (await processesOfCustomer(k, { ...actor(request, 'view'), customerId: request.query.customer })).map(processOut) };
    },
  );

  api.post(
    '/processes',
    { schema: { tags: ['workflow'], summary: 'Define a process (program managers with can_create_customer_program)', body: ProcessCreate, response: { 201: Process, ...errors } } },
    async (request, reply) => {
      checkKey(request, request.body.customer_id);
      const created = await createProcess(k, { ...actor(request, 'add'), customerId: request.body.customer_id, ...inputOf(request.body) });
      return reply.code(201).send(processOut(created));
    },
  );

  api.get(
    '/processes/:id',
    { schema: { tags: ['workflow'], summary: 'A process with the chain it belongs to (nodes and "triggers" edges)', params: IdParams, response: { 200: ProcessChain, ...errors } } },
    async (request) => {
      const { process, chain } = await processChain(k, { ...actor(request, 'view'), id: request.params.id });
      checkKey(request, process.customer_id);
      return { process: processOut(process), nodes: chain.nodes, edges: chain.edges };
    },
  );

  api.put(
    '/processes/:id',
    { schema: { tags: ['workflow'], summary: 'Replace a process definition (omitted lists become empty)', params: IdParams, body: ProcessWrite, response: { 200: Process, ...errors } } },
    async (request) => {
      checkKey(request, (await getProcess(k, { ...actor(request, 'view'), id: request.params.id })).customer_id);
      return processOut(await updateProcess(k, { ...actor(request, 'change'), id: request.params.id, ...inputOf(request.body) }));
    },
  );

  api.delete(
    '/processes/:id',
    { schema: { tags: ['workflow'], summary: 'Delete a process (can_delete_customer_program); processes it triggered lose the reference', params: IdParams, response: { 200: Process, ...errors } } },
    async (request) => {
      const process = await getProcess(k, { ...actor(request, 'view'), id: request.params.id });
      checkKey(request, process.customer_id);
      await deleteProcess(k, { ...actor(request, 'delete'), id: process.id });
      return processOut(process);
    },
  );
}
