import type { ApiKeyFailure } from '../../nadooit_api_key/services/index.js';

/** Legacy body texts of POST /api/executions for each failure (spec §5.1). */
export const LEGACY_EXECUTIONS_ERRORS: Record<ApiKeyFailure, { status: number; error: string }> = {
  missing: { status: 400, error: 'Invalid request' },
  unknown: { status: 403, error: 'Invalid API Key' },
  revoked: { status: 403, error: 'Invalid API Key' },
  expired: { status: 403, error: 'Invalid API Key' },
  user_code_mismatch: { status: 403, error: 'User code is not valid' },
  user_inactive: { status: 403, error: 'User is not active' },
};

/** The original's bodies for a failed caller check (legacy-core §5.2; note 400 for an unknown key). */
export const LEGACY_USERS_CHECK_ERRORS: Record<ApiKeyFailure, { status: number; error: string }> = {
  missing: { status: 400, error: 'Invalid request' },
  unknown: { status: 400, error: 'Invalid request' },
  revoked: { status: 403, error: 'Your API Key is not valid' },
  expired: { status: 403, error: 'Your API Key is not valid' },
  user_code_mismatch: { status: 403, error: 'Your User code is not valid' },
  // Unreachable in the original (inactive owners passed); the intended check.
  user_inactive: { status: 403, error: 'Your User is not active' },
};

/** Where a request carries its key: `Authorization: Bearer <key>` first, else the body field NADOOIT__API_KEY. */
export function parseKeyFromRequest(request: { headers: Record<string, string | string[] | undefined>; body?: unknown }): {
  key: unknown;
  source: 'bearer' | 'body' | null;
} {
  const header = request.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  if (match) return { key: match[1], source: 'bearer' };
  const body = request.body;
  if (body && typeof body === 'object' && 'NADOOIT__API_KEY' in body) {
    const field = (body as Record<string, unknown>).NADOOIT__API_KEY;
    // multipart bodies (attachFieldsToBody: 'keyValues') may hand over an array for a repeated field
    return { key: Array.isArray(field) ? field[0] : field, source: 'body' };
  }
  return { key: undefined, source: null };
}
