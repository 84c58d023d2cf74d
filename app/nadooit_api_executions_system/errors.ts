import { HttpError } from '../core/http/errors.js';

export type BookingRefusal =
  | 'program_not_found'
  | 'program_inactive'
  | 'program_without_customer'
  | 'invalid_time_saved'
  | 'idempotency_conflict'
  | 'idempotency_key_too_long';

const STATUS: Record<BookingRefusal, number> = {
  program_not_found: 400,
  program_inactive: 400,
  program_without_customer: 400,
  invalid_time_saved: 400,
  idempotency_conflict: 409,
  idempotency_key_too_long: 400,
};

/**
 * Why a booking was refused. `code` selects the text in the message catalog (`executions.error.<code>`),
 * so the legacy endpoint and the REST API can answer in the caller's language.
 */
export class BookingRefused extends HttpError {
  constructor(
    readonly refusal: BookingRefusal,
    message: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(STATUS[refusal], refusal, message);
  }
}
