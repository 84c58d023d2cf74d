import type { FastifyRequest } from 'fastify';
import { HttpError } from '../core/http/errors.js';
import { requireStaff } from '../nadooit_auth/guards.js';

/**
 * Only staff who passed password and second factor; others go to the staff login. A signed-in person who
 * is not staff (a customer's manager) gets a 403 page that explains where their work is (core.reason.staff_only).
 */
export async function adminGuard(request: FastifyRequest): Promise<void> {
  if (request.user && !request.user.isStaff) throw new HttpError(403, 'staff_only', 'The admin is for staff only');
  requireStaff(request);
}
