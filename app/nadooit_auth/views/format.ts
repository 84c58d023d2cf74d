import type { Language } from '../../core/ui/i18n.js';

/** Date and time in the site's zone, e.g. "03.02.2025, 14:05". */
export function formatDateTime(iso: string | null, language: Language, timeZone: string): string {
  if (!iso) return '–';
  return new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}
