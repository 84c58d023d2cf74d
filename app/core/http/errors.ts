/** An error with a stable machine code, turned into JSON under /api/ and a friendly page elsewhere. */
export class HttpError extends Error {
  /** A message catalog key (with parameters) for answers in the reader's language (the REST API's errors). */
  messageKey?: string;
  messageParams?: Record<string, string | number>;

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** Names the catalog text that says `message` in every UI language; returns the error for `throw`. */
  localized(key: string, params?: Record<string, string | number>): this {
    this.messageKey = key;
    this.messageParams = params;
    return this;
  }
}

export const badRequest = (message: string, details?: unknown) => new HttpError(400, 'bad_request', message, details);
export const forbidden = (message = 'Forbidden') => new HttpError(403, 'forbidden', message);
export const notFound = (message = 'Not found') => new HttpError(404, 'not_found', message);

export function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/');
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'unavailable',
};

export function codeForStatus(status: number): string {
  return CODES[status] ?? (status >= 500 ? 'internal_error' : 'error');
}
