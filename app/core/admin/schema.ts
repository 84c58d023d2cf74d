import { z } from 'zod';
import type { CurrentUser } from '../http/types.js';
import type { FieldErrors } from '../ui/components.js';
import { fieldErrors } from '../ui/forms.js';
import type { Translate } from '../ui/i18n.js';
import { choicesOf } from './site.js';
import type { AdminField, AdminResource, Row } from './types.js';
import { isUuid, parseMoney } from './values.js';

export type FormMode = 'create' | 'change';

/** The fields a form writes in this mode for this user (read-only and secret ones never). */
export function editableFields(resource: AdminResource, mode: FormMode, actor: CurrentUser): AdminField[] {
  return resource.fields.filter(
    (f) =>
      !f.readOnly &&
      !f.sensitive &&
      f.type !== 'json' &&
      (mode === 'create' || (!f.createOnly && !f.virtual)) &&
      (!f.superuserOnly || actor.isSuperuser),
  );
}

/** Fields shown on a detail page or form (virtual inputs only on the create form). */
export function visibleFields(resource: AdminResource, mode: FormMode | 'detail' = 'detail'): AdminField[] {
  return resource.fields.filter((f) => !f.sensitive && (!f.virtual || mode === 'create'));
}

/** The raw form value of a field: checkboxes as presence, everything else as a trimmed string. */
function rawValue(body: Record<string, unknown>, field: AdminField): unknown {
  const value = body[field.name];
  const first = Array.isArray(value) ? value[0] : value;
  if (field.type === 'boolean') return first === 'on' || first === 'true' || first === '1';
  if (typeof first !== 'string') return '';
  return field.type === 'password' ? first : first.trim();
}

/** One field's schema: string in, typed value out, messages in the page's language. */
export function fieldSchema(field: AdminField, t: Translate): z.ZodType {
  const fail = (ctx: z.RefinementCtx, key: string, params?: Record<string, string | number>) => {
    ctx.addIssue({ code: 'custom', message: t(key, params) });
    return z.NEVER;
  };
  const optional = (input: unknown, ctx: z.RefinementCtx): boolean => {
    if (input !== '' && input !== null && input !== undefined) return false;
    if (field.required) fail(ctx, 'admin.error.required');
    return true;
  };
  const bounded = (value: number, ctx: z.RefinementCtx) => {
    if (field.min !== undefined && value < field.min) return fail(ctx, 'admin.error.min', { min: field.min });
    if (field.max !== undefined && value > field.max) return fail(ctx, 'admin.error.max', { max: field.max });
    return value;
  };
  let schema: z.ZodType = z.unknown().transform((input, ctx): unknown => {
    if (field.type === 'boolean') return input === true;
    if (optional(input, ctx)) return null;
    const s = String(input);
    switch (field.type) {
      case 'password':
      case 'text':
      case 'textarea':
        if (field.maxLength !== undefined && s.length > field.maxLength) return fail(ctx, 'admin.error.max_length', { max: field.maxLength });
        return s;
      case 'email':
        if (!z.email().safeParse(s).success) return fail(ctx, 'admin.error.email');
        return s.toLowerCase();
      case 'integer':
      case 'seconds': {
        if (!/^-?\d{1,15}$/.test(s)) return fail(ctx, 'admin.error.integer');
        return bounded(Number(s), ctx);
      }
      case 'money': {
        const micro = parseMoney(s);
        if (micro === null) return fail(ctx, 'admin.error.money');
        return bounded(micro, ctx);
      }
      case 'date': {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`))) return fail(ctx, 'admin.error.date');
        return s;
      }
      case 'datetime': {
        const parsed = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(s) ? s : `${s}Z`);
        if (Number.isNaN(parsed)) return fail(ctx, 'admin.error.datetime');
        return new Date(parsed).toISOString();
      }
      case 'choice':
        if (!choicesOf(field).some((c) => c.value === s)) return fail(ctx, 'admin.error.choice');
        return s;
      case 'relation':
      case 'uuid':
        if (!isUuid(s)) return fail(ctx, field.type === 'relation' ? 'admin.error.relation' : 'admin.error.uuid');
        return s.toLowerCase();
      case 'json':
        try {
          JSON.parse(s);
          return s;
        } catch {
          return fail(ctx, 'admin.error.json');
        }
    }
    return s;
  });
  if (field.refine) schema = field.refine(schema);
  return schema;
}

export type ParseResult = { ok: true; values: Row } | { ok: false; errors: FieldErrors; raw: Row };

/** Validates a submitted form against the given fields; on failure the raw input is kept for re-rendering. */
export function parseForm(fields: AdminField[], body: unknown, t: Translate): ParseResult {
  const record = (body ?? {}) as Record<string, unknown>;
  const raw: Row = {};
  for (const field of fields) raw[field.name] = rawValue(record, field);
  const schema = z.object(Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f, t)])));
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, values: result.data as Row };
  return { ok: false, errors: fieldErrors(result.error), raw };
}
