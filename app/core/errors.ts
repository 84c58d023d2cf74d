import { HttpError } from './http/errors.js';

/**
 * Refusals of the business core. They are HttpErrors, so a route can let them through (JSON under /api/,
 * an error page elsewhere) or catch them and show `message` (German, as in the original's banners) in a form.
 */
export class DomainError extends HttpError {}

/** 403: the actor lacks the role or ability for this customer. */
export class PermissionDenied extends DomainError {
  constructor(message = 'Sie haben nicht die notwendige Berechtigung für diese Aktion.') {
    super(403, 'permission_denied', message);
  }
}

/** 400: a user code that names no user (the original's banner text). */
export class InvalidUserCode extends DomainError {
  constructor() {
    super(400, 'invalid_user_code', 'Kein gültiger Benutzercode eingegeben');
  }
}

/** 400: a customer id that names no customer (the original's banner text). */
export class InvalidCustomer extends DomainError {
  constructor() {
    super(400, 'invalid_customer', 'Kein gültiger Kunde eingegeben');
  }
}

/** 404: the addressed record does not exist. */
export class NotFound extends DomainError {
  constructor(message = 'Nicht gefunden') {
    super(404, 'not_found', message);
  }
}

/** 400: the request is well-formed but not acceptable (unknown ability, negative amount …). */
export class InvalidInput extends DomainError {
  constructor(message: string, details?: unknown) {
    super(400, 'invalid_input', message, details);
  }
}

/** 409: the action conflicts with the current state (e.g. not enough balance). */
export class Conflict extends DomainError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

export const ADD_EMPLOYEE_DENIED = 'Sie haben nicht die notwendige Berechtigung um einen Mitarbeiter für diesen Kunden hinzuzufügen';
