import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

/** The /api/v1 scope: zod schemas validate requests, serialise responses and feed the OpenAPI document. */
export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** ISO-8601 with any offset → the UTC form stored in the database (so string comparison works on SQLite). */
export const utc = (value: string | undefined) => (value === undefined ? undefined : new Date(value).toISOString());
