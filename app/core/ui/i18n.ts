export type Language = 'de' | 'en';
export const LANGUAGES: Language[] = ['de', 'en'];

/** One catalog per app: German is the source language, English must have the same keys. */
export interface MessageCatalog {
  de: Record<string, string>;
  en: Record<string, string>;
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;

const catalog: Record<Language, Map<string, string>> = { de: new Map(), en: new Map() };

export function registerMessages(messages: MessageCatalog): void {
  for (const language of LANGUAGES) {
    for (const [key, text] of Object.entries(messages[language])) catalog[language].set(key, text);
  }
}

/** Missing keys fall back to German, then to the key itself, so a gap is visible but never fatal. */
export function translator(language: Language): Translate {
  return (key, params) => {
    let text = catalog[language].get(key) ?? catalog.de.get(key) ?? key;
    if (params) for (const [name, value] of Object.entries(params)) text = text.replaceAll(`{${name}}`, String(value));
    return text;
  };
}

/** Picks the first supported language from an Accept-Language header. */
export function negotiateLanguage(header: string | undefined, fallback: Language): Language {
  if (!header) return fallback;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: (tag ?? '').toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0] as Language;
    if (LANGUAGES.includes(base)) return base;
  }
  return fallback;
}
