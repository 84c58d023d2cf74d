import type { FastifyRequest } from 'fastify';
import { requireStaff } from '../nadooit_auth/guards.js';

/** Only staff who passed password and second factor; others go to the staff login, non-staff get 403. */
export async function adminGuard(request: FastifyRequest): Promise<void> {
  requireStaff(request);
}
