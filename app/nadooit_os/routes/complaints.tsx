import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { notFound } from '../../core/http/errors.js';
import { formString } from '../../core/ui/forms.js';
import { pageContext } from '../../core/ui/page-context.js';
import { requireUser } from '../../nadooit_auth/guards.js';
import { executionById } from '../../nadooit_api_executions_system/services/booking.js';
import { addComment, complaintDetails, fileComplaint, listComplaints } from '../../nadoo_complaint_management/services.js';
import { getCustomer } from '../../nadooit_crm/services.js';
import { DomainError } from '../../core/errors.js';
import { assertRole } from '../../nadooit_hr/permissions.js';
import { getProgram } from '../../nadooit_program/services.js';
import { isHtmx, viewerOf } from '../access.js';
import { paths } from '../paths.js';
import { effectiveTimeZone } from '../periods.js';
import { ComplaintModal, ComplaintModalContent, ComplaintPage, ComplaintSentContent } from '../views/complaints.js';
import type { ComplaintFormProps } from '../views/complaints.js';
import { ComplaintDetailPage, ComplaintListPage } from '../views/complaint-list.js';
import type { ComplaintDetailProps } from '../views/complaint-list.js';
import { customersWithRoleFor, dashboardPage, replyNoRole, submitForm, uuidParam } from './context.js';

/** The complaint dialog ("Ausführung reklamieren") and its submission through the complaint workflow. */
export function complaintRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;

  /** The booking in the path and what the form shows about it; 404 unknown, 403 not the viewer's customer. */
  async function bookingFor(request: FastifyRequest): Promise<Omit<ComplaintFormProps, 'ctx'> & { customerId: string }> {
    const execution = await executionById(db, uuidParam(request, 'executionId'));
    if (!execution) throw notFound();
    if (!execution.customer_id) throw notFound();
    await assertRole(db, requireUser(request).id, execution.customer_id, 'customer_program_execution_manager');
    const [customer, program] = await Promise.all([
      getCustomer(db, execution.customer_id),
      execution.program_id ? getProgram(db, execution.program_id) : undefined,
    ]);
    return { execution, programName: program?.name ?? null, timeZone: effectiveTimeZone(customer?.time_zone), customerId: execution.customer_id };
  }

  scope.get('/customer-program-execution-list-complaint-modal/:executionId', async (request, reply) => {
    const booking = await bookingFor(request);
    const ctx = await pageContext(request, { forms: true });
    if (isHtmx(request)) return reply.html(<ComplaintModal ctx={ctx} {...booking} />);
    return reply.html(<ComplaintPage ctx={ctx} viewer={await viewerOf(request, db)} {...booking} />);
  });

  scope.post('/customer-program-execution-send-complaint/:executionId', async (request, reply) => {
    const booking = await bookingFor(request);
    const text = formString(request.body, 'complainttext');
    const htmx = isHtmx(request);
    try {
      await fileComplaint(db, { actorUserId: requireUser(request).id, executionId: booking.execution.id, text });
    } catch (error) {
      // Refusals a person can act on (empty text, already under complaint) go back into the form.
      if (!(error instanceof DomainError) || (error.statusCode !== 400 && error.statusCode !== 409)) throw error;
      const ctx = await pageContext(request, { forms: true });
      const props = { ctx, ...booking, error: error.message, text };
      const status = error.statusCode === 400 ? 422 : 409;
      if (htmx) return reply.html(<ComplaintModalContent {...props} />, status);
      return reply.html(<ComplaintPage {...props} viewer={await viewerOf(request, db)} />, status);
    }
    if (htmx) {
      const ctx = await pageContext(request);
      reply.header('HX-Trigger', JSON.stringify({ 'os-bookings-changed': { customerId: booking.customerId } }));
      return reply.html(<ComplaintSentContent ctx={ctx} />);
    }
    await request.flash('success', request.t('os.complaint.sent'));
    return reply.redirect(`${paths.bookings}#bookings-${booking.customerId}`, 303);
  });

  scope.get('/complaints', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    const customers = await customersWithRoleFor(request, app, 'customer_program_execution_manager');
    if (!customers.length) return replyNoRole(reply, ctx, viewer, ctx.t('os.complaints.title'));
    const actorUserId = requireUser(request).id;
    const groups = await Promise.all(
      customers.map(async (customer) => ({
        customer,
        timeZone: effectiveTimeZone(customer.time_zone),
        complaints: await listComplaints(db, { actorUserId, customerId: customer.id, limit: 200 }),
      })),
    );
    return reply.html(<ComplaintListPage ctx={ctx} viewer={viewer} groups={groups} />);
  });

  /** A complaint the viewer may see (the service refuses others: 404 unknown, 403 another customer's). */
  async function detailsFor(request: FastifyRequest): Promise<Omit<ComplaintDetailProps, 'ctx' | 'viewer'>> {
    const details = await complaintDetails(db, { actorUserId: requireUser(request).id, complaintId: uuidParam(request, 'complaintId') });
    const [customer, program] = await Promise.all([
      details.complaint.customer_id ? getCustomer(db, details.complaint.customer_id) : undefined,
      details.execution?.program_id ? getProgram(db, details.execution.program_id) : undefined,
    ]);
    return { details, programName: program?.name ?? null, timeZone: effectiveTimeZone(customer?.time_zone) };
  }

  scope.get('/complaints/:complaintId', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    return reply.html(<ComplaintDetailPage ctx={ctx} viewer={viewer} {...await detailsFor(request)} />);
  });

  scope.post('/complaints/:complaintId/comment', async (request, reply) => {
    const complaintId = uuidParam(request, 'complaintId');
    const text = formString(request.body, 'text');
    return submitForm(
      reply,
      async () => {
        await addComment(db, { actorUserId: requireUser(request).id, complaintId, text });
        await request.flash('success', request.t('os.complaints.comment.saved'));
        return reply.redirect(`${paths.complaint(complaintId)}#complaint-history`, 303);
      },
      async (error) => {
        const { ctx, viewer } = await dashboardPage(request, app);
        return <ComplaintDetailPage ctx={ctx} viewer={viewer} {...await detailsFor(request)} error={error} text={text} />;
      },
    );
  });
}
