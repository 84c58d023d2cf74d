import type { Settings } from '../config.js';

/** Where people reach this installation: the development server, or the configured domain over HTTPS. */
export function publicBaseUrl(settings: Pick<Settings, 'debug' | 'domain' | 'port'>, port = settings.port): string {
  return settings.debug ? `http://localhost:${port}` : `https://${settings.domain}`;
}
