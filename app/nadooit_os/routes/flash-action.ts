import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../core/errors.js';

/**
 * Runs a small form's action (one button, a few inputs) and goes back with a banner: the success text, or
 * the service's refusal (a 4xx DomainError, e.g. "Eine Gruppe hat höchstens 10 Mitglieder."), whose status
 * travels in the X-Refused header for scripts and tests. Anything else propagates.
 */
export async function flashAction(request: FastifyRequest, reply: FastifyReply, back: string, success: string, action: () => Promise<unknown>): Promise<FastifyReply> {
  try {
    await action();
    await request.flash('success', success);
    return reply.redirect(back, 303);
  } catch (error) {
    if (!(error instanceof DomainError) || error.statusCode >= 500) throw error;
    await request.flash('danger', error.message);
    return reply.code(303).header('location', back).header('x-refused', String(error.statusCode)).send();
  }
}
