import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MessageCatalog } from '../../core/ui/i18n.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.includes('.test.') ? [full] : [];
  });
}

/** Message keys (quoted 'prefix.x.y' literals) used in an app's sources but missing from the catalogs. */
export function missingMessageKeys(appDir: string, prefixes: string[], catalogs: MessageCatalog[], ignore: string[] = []): string[] {
  const known = new Set([...catalogs.flatMap((c) => Object.keys(c.de)), ...ignore]);
  const pattern = new RegExp(`'((?:${prefixes.join('|')})\\.[a-z_]+(?:\\.[a-z_]+)+)'`, 'g');
  const missing: string[] = [];
  for (const file of sourceFiles(appDir)) {
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) {
      if (!known.has(match[1]!)) missing.push(`${path.basename(file)}: ${match[1]}`);
    }
  }
  return missing;
}

export function languageGaps(catalog: MessageCatalog): { onlyDe: string[]; onlyEn: string[] } {
  return {
    onlyDe: Object.keys(catalog.de).filter((k) => !(k in catalog.en)),
    onlyEn: Object.keys(catalog.en).filter((k) => !(k in catalog.de)),
  };
}
