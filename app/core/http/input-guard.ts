import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

/**
 * Control characters other than tab, line feed and carriage return. No form or API field has a use for
 * them, PostgreSQL refuses NUL in text, and terminals and log viewers interpret the rest.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** A surrogate half without its partner: what a broken encoding leaves in a decoded string. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const MAX_DEPTH = 32;

export interface InputProblem {
  field: string;
  message: string;
}

/**
 * The first string in `value` (keys included, nested objects and arrays walked) that holds a control
 * character or is not well-formed Unicode (a lone surrogate from a broken encoding). Buffers — uploaded
 * files — are not text and are left alone.
 */
export function findMalformedText(value: unknown, field: string, depth = 0): InputProblem | null {
  if (typeof value === 'string') {
    if (CONTROL_CHARACTER.test(value)) return { field, message: 'contains a control character' };
    if (LONE_SURROGATE.test(value)) return { field, message: 'is not valid UTF-8 text' };
    return null;
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return null;
  if (depth >= MAX_DEPTH) return { field, message: 'is nested too deeply' };
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    const path = field ? `${field}.${key}` : key;
    const problem = findMalformedText(key, path, depth + 1) ?? findMalformedText(item, path, depth + 1);
    if (problem) return problem;
  }
  return null;
}

const checkedBodies = new WeakMap<FastifyRequest, unknown>();

function refuse(problem: InputProblem | null): void {
  if (problem) throw new HttpError(400, 'invalid_characters', `Invalid input: ${problem.field} ${problem.message}`, [problem]);
}

/**
 * The one boundary check of every route: path parameters, query and body as they arrived, before any
 * schema validation (which would drop unknown fields unchecked). A body attached later by a parser hook
 * (multipart) is checked once more before the handler. Refused as 400 with the field named; each
 * transport's error handler renders it in its own shape.
 */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    refuse(findMalformedText(request.params, 'path') ?? findMalformedText(request.query, 'query') ?? findMalformedText(request.body, 'body'));
    checkedBodies.set(request, request.body);
  });
  app.addHook('preHandler', async (request) => {
    if (checkedBodies.get(request) !== request.body) refuse(findMalformedText(request.body, 'body'));
  });
}
