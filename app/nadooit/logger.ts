import pino from 'pino';
import type { Logger } from 'pino';
import type { Settings } from '../core/config.js';
import { REDACTED_PATHS } from '../core/http/server.js';
import { humanReadable } from './human-log.js';

/**
 * Production: JSON lines to stdout (rotation is the container runtime's job). Development (DEBUG): the same
 * entries as short human-readable lines. Secrets are redacted in both.
 */
export function createLogger(settings: Pick<Settings, 'logLevel'> & Partial<Pick<Settings, 'debug'>>): Logger {
  const options = { level: settings.logLevel, redact: { paths: REDACTED_PATHS, censor: '[Redacted]' } };
  return settings.debug ? pino(options, humanReadable()) : pino(options);
}
