import { randomUUID } from 'node:crypto';
import type { DB } from '../../core/db/connection.js';
import { compileTemplate, templateCache } from '../template.js';
import type { CompiledTemplate } from '../template.js';
import '../models.js';

/** The content pages the site has, with the text a fresh install shows until staff fill them in. */
export const CONTENT_PAGES = {
  impressum: {
    title: 'Impressum',
    site: 'Impressum',
    html: '<h1>Impressum</h1>\n<p>Angaben gemäß § 5 DDG: bitte im Admin unter <em>Webseite › Inhaltsseiten</em> ausfüllen.</p>',
  },
  datenschutz: {
    title: 'Datenschutz',
    site: 'Datenschutz',
    html:
      '<h1>Datenschutzerklärung</h1>\n<p>Diese Seite setzt zum Ansehen keine Cookies. Besuche werden ohne IP-Adresse gespeichert ' +
      '(nur ein nicht umkehrbarer Schlüssel) und nach der eingestellten Frist gelöscht.</p>\n' +
      '<p>Bitte die vollständige Erklärung im Admin unter <em>Webseite › Inhaltsseiten</em> ergänzen.</p>',
  },
} as const;
export type ContentPageSlug = keyof typeof CONTENT_PAGES;

export interface ContentPage {
  id: string;
  title: string;
  template: CompiledTemplate;
}

/**
 * A content page for visitors: the row (made with the default text on first need), compiled once per
 * version. Writes a Visit like the original (`site` Impressum / Datenschutz).
 */
export async function showContentPage(db: DB, slug: ContentPageSlug): Promise<ContentPage> {
  let row = await db.selectFrom('web_pages').select(['id', 'title', 'html', 'updated_at']).where('slug', '=', slug).executeTakeFirst();
  if (!row) {
    const at = new Date().toISOString();
    const defaults = CONTENT_PAGES[slug];
    await db
      .insertInto('web_pages')
      .values({ id: randomUUID(), slug, title: defaults.title, html: defaults.html, created_at: at, updated_at: at })
      .onConflict((oc) => oc.column('slug').doNothing())
      .execute();
    row = await db.selectFrom('web_pages').select(['id', 'title', 'html', 'updated_at']).where('slug', '=', slug).executeTakeFirstOrThrow();
  }
  await db.insertInto('web_visits').values({ id: randomUUID(), site: CONTENT_PAGES[slug].site, visit_date: new Date().toISOString() }).execute();
  const template = templateCache.get(row.id, row.updated_at) ?? templateCache.set(row.id, row.updated_at, compileTemplate(row.html));
  return { id: row.id, title: row.title, template };
}
