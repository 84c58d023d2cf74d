import { z } from 'zod';
import type { FieldErrors } from '../../core/ui/components.js';
import { fieldErrors, formString } from '../../core/ui/forms.js';
import type { Translate } from '../../core/ui/i18n.js';
import { MAX_TOP_UP_NOTE_LENGTH } from '../../nadooit_time_account/top-up-requests.js';

/** What was typed (to show again) and either the request or the field errors. */
export type TopUpRequestInput = { values: Record<string, string> } & ({ ok: true; seconds: number; note: string | null } | { ok: false; errors: FieldErrors });

/**
 * "Aufladung anfragen": hours ("10", "2,5", "0.25") plus optional whole seconds, and a note. The amount's
 * upper bound and the permission are the service's; this only turns the form into seconds.
 */
export function parseTopUpRequest(body: unknown, t: Translate): TopUpRequestInput {
  const values = { hours: formString(body, 'hours'), seconds: formString(body, 'seconds'), note: formString(body, 'note') };
  const schema = z
    .object({
      hours: z
        .string()
        .refine((v) => v === '' || /^\d{1,6}([.,]\d{1,4})?$/.test(v), { message: t('os.ta.request.hours_invalid') })
        .transform((v) => (v === '' ? 0 : Math.round(Number(v.replace(',', '.')) * 3600))),
      seconds: z
        .string()
        .refine((v) => v === '' || /^\d{1,9}$/.test(v), { message: t('os.ta.request.seconds_invalid') })
        .transform((v) => (v === '' ? 0 : Number(v))),
      note: z.string().max(MAX_TOP_UP_NOTE_LENGTH, { message: t('os.ta.request.note_too_long', { max: MAX_TOP_UP_NOTE_LENGTH }) }),
    })
    .refine((v) => v.hours + v.seconds > 0, { message: t('os.ta.request.amount'), path: ['hours'] });
  const parsed = schema.safeParse(values);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error), values };
  return { ok: true, values, seconds: parsed.data.hours + parsed.data.seconds, note: parsed.data.note || null };
}
