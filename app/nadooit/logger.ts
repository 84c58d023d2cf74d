import pino from 'pino';
import type { Logger } from 'pino';
import type { Settings } from '../core/config.js';
import { REDACTED_PATHS } from '../core/http/server.js';

/** JSON lines to stdout (rotation is the container runtime's job); secrets redacted. */
export function createLogger(settings: Pick<Settings, 'logLevel'>): Logger {
  return pino({ level: settings.logLevel, redact: { paths: REDACTED_PATHS, censor: '[Redacted]' } });
}
