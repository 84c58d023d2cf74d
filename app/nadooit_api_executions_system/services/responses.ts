import { formatDecimal } from '../money.js';
import type { Execution } from './booking.js';

/** The booking figures added to the legacy 200 body (and returned by the REST API). */
export function bookingBody(execution: Execution) {
  return {
    execution_id: execution.id,
    charged_seconds: execution.time_saved_seconds,
    covered_seconds: execution.covered_seconds,
    price: formatDecimal(execution.price),
    currency: execution.currency,
    balance_seconds: execution.balance_after_seconds,
  };
}
