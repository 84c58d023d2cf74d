import type { AppContext } from '../../core/app-module.js';
import { PermissionDenied } from '../../core/errors.js';
import { executionById } from '../../nadooit_api_executions_system/services/index.js';
import { addComment, complaintDetails, customerOfComplaint, decideComplaint, fileComplaint, listComplaints } from '../../nadoo_complaint_management/services.js';
import { actorOf, principalOf } from '../auth.js';
import { Comment, CommentCreate, Complaint, ComplaintCreate, ComplaintDetails, ComplaintQuery, ComplaintTransition, IdParams, errors, items } from '../schemas.js';
import { AREAS, COMPLAINT_DECISIONS, STAFF_ACTIONS, sees, staffMay, staffMayRun } from '../scope.js';
import { complaintDetailsOut, complaintOut } from '../serialize.js';
import type { Api } from '../types.js';
import { utc } from '../types.js';

export function complaintRoutes(api: Api, { db }: AppContext): void {
  const k = db.kysely;
  /** Customer-bound keys see only their customer's complaints. */
  const customerOfKey = (request: Parameters<typeof principalOf>[0], customer?: string | null) => {
    const bound = principalOf(request).keyCustomerId;
    if (bound && customer !== undefined && customer !== bound) throw new PermissionDenied();
    return bound ?? customer ?? undefined;
  };
  const complaintCustomer = (id: string) => customerOfComplaint(k, id);

  api.get(
    '/complaints',
    {
      schema: {
        tags: ['complaints'],
        summary: 'Complaints of the customers the caller is execution manager for (staff granted view on it in the admin: all), newest first',
        querystring: ComplaintQuery,
        response: { 200: items(Complaint), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listComplaints(k, {
        ...actorOf(request, staffMay(principalOf(request), AREAS.complaints.models)),
        customerId: customerOfKey(request, q.customer),
        executionId: q.execution,
        statuses: q.status,
        before: utc(q.before),
        limit: q.limit,
      });
      return { items: rows.map(complaintOut) };
    },
  );

  api.post(
    '/complaints',
    {
      schema: {
        tags: ['complaints'],
        summary: "File a complaint about a booking (the customer's execution managers)",
        body: ComplaintCreate,
        response: { 201: Complaint, ...errors },
      },
    },
    async (request, reply) => {
      customerOfKey(request, (await executionById(k, request.body.execution_id))?.customer_id);
      const staffPath = staffMay(principalOf(request), AREAS.complaints.models, 'add');
      const complaint = await fileComplaint(k, { ...actorOf(request, staffPath), executionId: request.body.execution_id, text: request.body.text });
      return reply.code(201).send(complaintOut(complaint));
    },
  );

  api.get(
    '/complaints/:id',
    { schema: { tags: ['complaints'], summary: 'A complaint with its booking and history', params: IdParams, response: { 200: ComplaintDetails, ...errors } } },
    async (request) => {
      const principal = principalOf(request);
      const details = await complaintDetails(k, { ...actorOf(request, staffMay(principal, AREAS.complaints.models)), complaintId: request.params.id });
      const customer = details.complaint.customer_id;
      customerOfKey(request, customer);
      return complaintDetailsOut({
        ...details,
        execution: (await sees(k, principal, AREAS.executions, customer)) ? details.execution : null,
        history: (await sees(k, principal, AREAS.complaintHistory, customer)) ? details.history : null,
      });
    },
  );

  api.post(
    '/complaints/:id/comments',
    {
      schema: { tags: ['complaints'], summary: 'Comment on a complaint', params: IdParams, body: CommentCreate, response: { 201: Comment, ...errors } },
    },
    async (request, reply) => {
      customerOfKey(request, await complaintCustomer(request.params.id));
      const staffPath = staffMayRun(principalOf(request), STAFF_ACTIONS.comment);
      return reply.code(201).send(await addComment(k, { ...actorOf(request, staffPath), complaintId: request.params.id, text: request.body.text }));
    },
  );

  api.post(
    '/complaints/:id/transitions',
    {
      schema: {
        tags: ['complaints'],
        summary: "Move a complaint on: IN_PROGRESS, then ACCEPTED (booking cancelled, seconds credited) or REJECTED (staff holding the admin's permission for the decision)",
        params: IdParams,
        body: ComplaintTransition,
        response: { 200: Complaint, ...errors },
      },
    },
    async (request) => {
      customerOfKey(request, await complaintCustomer(request.params.id));
      const staffPath = staffMayRun(principalOf(request), COMPLAINT_DECISIONS[request.body.status]);
      const decision = await decideComplaint(k, { ...actorOf(request, staffPath), complaintId: request.params.id, to: request.body.status, note: request.body.note });
      return complaintOut(decision.complaint);
    },
  );
}
