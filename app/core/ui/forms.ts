import type { z } from 'zod';
import type { FieldErrors } from './components.js';

/** Turns a zod error into per-field messages for the form helpers. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : '_form';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** Form bodies arrive as strings or string arrays; this reads one field as a trimmed string. */
export function formString(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | null)?.[name];
  if (Array.isArray(value)) return String(value[0] ?? '').trim();
  return typeof value === 'string' ? value.trim() : '';
}

export function formList(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | null)?.[name];
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' && value !== '' ? [value] : [];
}
