import type { FastifyRequest } from 'fastify';

/**
 * Reading the legacy endpoints' fields the way Django REST framework did: form and multipart bodies give
 * the LAST value of a repeated field (QueryDict.get); a JSON body gives the value as sent (a list stays a
 * list and is then "not a string").
 */
export function legacyField(request: FastifyRequest, name: string): unknown {
  const body = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const value = (body as Record<string, unknown>)[name];
  const isJson = String(request.headers['content-type'] ?? '').includes('json');
  if (!isJson && Array.isArray(value)) return value[value.length - 1];
  return value;
}

export function legacyString(request: FastifyRequest, name: string): string | null {
  const value = legacyField(request, name);
  return typeof value === 'string' ? value : null;
}

const UUID_FORMS = /^(?:urn:uuid:)?\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

/**
 * A UUID in any form Python's uuid.UUID accepts (with or without dashes, braces or urn prefix, any case),
 * as the canonical lowercase dashed string; null for anything else.
 */
export function canonicalUuid(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = UUID_FORMS.exec(value.trim());
  if (!match) return null;
  return match.slice(1, 6).join('-').toLowerCase();
}

export type TimeSavedField =
  | { kind: 'default' }
  | { kind: 'seconds'; seconds: number }
  | { kind: 'not_a_whole_number' };

/**
 * `time_saved` as sent: missing, empty or null → the program default; a whole number (form text like
 * " 300 " or "+300", or a JSON integer) → its value, whatever its sign or size (range is checked later);
 * anything else (e.g. "12.5", 12.5, true) → not a whole number.
 */
export function parseTimeSaved(raw: unknown): TimeSavedField {
  if (raw === undefined || raw === null || raw === '') return { kind: 'default' };
  let value: number;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) return { kind: 'not_a_whole_number' };
    value = raw;
  } else if (typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw)) {
    value = Number(raw.trim());
  } else {
    return { kind: 'not_a_whole_number' };
  }
  // Beyond the safe range the exact value does not matter: it is out of range either way.
  return { kind: 'seconds', seconds: Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, value)) };
}
