import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeEachBackend } from '../../test/support/harness.js';
import { createPlugin, orderPluginIds, orderSectionIds, updateSection } from './services/content.js';
import { exportTemplatesCommand, importTemplatesCommand } from './commands.js';
import { exportTemplates, importTemplates } from './services/sync.js';
import { section, visit } from './testing/fixtures.js';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'nadooit-templates-'));

/** A folder in the original's format, written by hand: stringified JSON, an integer plugin id, an unknown folder. */
function legacyFolder(): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'sections_templates'));
  mkdirSync(path.join(dir, 'plugins_templates'));
  mkdirSync(path.join(dir, 'drafts'));
  const greeting = '<section>\r\n<h1>Willkommen bei Nadooit.de!</h1>\r\n<div class="video-container">{{ video }}</div>\r\n</section>';
  writeFileSync(path.join(dir, 'sections_templates', 'greeting_from_test.html'), greeting);
  writeFileSync(
    path.join(dir, 'sections_templates', 'greeting_from_test.json'),
    JSON.stringify({ section_id: '7b88f7f0-bbf3-44b6-afaf-85c5b7442ed6', name: 'greeting_from_test', html: greeting, video: 'Ein Video', file: 'None', greeting_sction: 'True' }, null, 4),
  );
  writeFileSync(path.join(dir, 'sections_templates', 'Nur_HTML.html'), Buffer.from('<p>Gr\xfc\xdfe</p>', 'latin1'));
  const plugin = "{% load django_htmx %}<button hx-post=\"{% url 'nadooit_website:create_meeting_request' %}\">Termin</button>";
  writeFileSync(path.join(dir, 'plugins_templates', 'Floating_Request_Meeting.html'), plugin);
  writeFileSync(path.join(dir, 'plugins_templates', 'Floating_Request_Meeting.json'), JSON.stringify({ id: '867112628084604930', name: 'Floating_Request_Meeting', html: plugin }));
  writeFileSync(path.join(dir, 'drafts', 'Entwurf.html'), '<p>nicht importieren</p>');
  return dir;
}

describeEachBackend('website templates: import/export in the original format', (h) => {
  const db = () => h().system.context.db.kysely;
  const sectionRow = (id: string) => db().selectFrom('web_sections').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  /** Everything a section or plugin is made of, for comparing before/after. */
  async function contentSnapshot() {
    const sections = await db().selectFrom('web_sections').select(['id', 'name', 'html', 'is_greeting', 'video_id', 'file_id']).orderBy('id').execute();
    const categories = await db().selectFrom('web_section_categories as l').innerJoin('web_categories as c', 'c.id', 'l.category_id').select(['l.section_id', 'c.name']).orderBy('l.section_id').orderBy('c.name').execute();
    const signals = await db().selectFrom('web_section_signal_options as l').innerJoin('web_signal_options as o', 'o.id', 'l.signal_option_id').select(['l.section_id', 'o.signal_type']).orderBy('l.section_id').orderBy('o.signal_type').execute();
    const plugins = await db().selectFrom('web_plugins').select(['id', 'name', 'html', 'source_id']).orderBy('id').execute();
    return { sections, categories, signals, plugins };
  }

  it('imports the original format: id from the JSON, name-only files, integer plugin ids, unknown folders skipped with a warning', async () => {
    const dir = legacyFolder();
    const lines: string[] = [];
    const dry = await importTemplates(db(), dir, { dryRun: true, progress: (l) => lines.push(l) });
    assert.deepEqual(dry.counts.created, 3);
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^\[1\/3\] created/);
    assert.match(lines[3]!, /^order "Startseite": /, 'a site without an order of its own gets one of the imported templates');
    assert.equal((await db().selectFrom('web_sections').select('id').execute()).length, 0, 'a dry run writes nothing');

    const result = await importTemplates(db(), dir);
    assert.deepEqual(result.entries.map((e) => [e.file, e.action]), [
      ['plugins_templates/Floating_Request_Meeting.html', 'created'],
      ['sections_templates/greeting_from_test.html', 'created'],
      ['sections_templates/Nur_HTML.html', 'created'],
    ]);
    assert.ok(result.warnings.some((w) => w.includes('drafts/Entwurf.html')), result.warnings.join('\n'));
    assert.ok(result.warnings.some((w) => w.includes('video "Ein Video" not linked')));
    const greeting = await sectionRow('7b88f7f0-bbf3-44b6-afaf-85c5b7442ed6');
    assert.equal(greeting.is_greeting, true);
    assert.match(greeting.html, /\{\{ video \}\}/);
    const latin = await db().selectFrom('web_sections').select('html').where('name', '=', 'Nur_HTML').executeTakeFirstOrThrow();
    assert.equal(latin.html, '<p>Grüße</p>');
    const plugin = await db().selectFrom('web_plugins').selectAll().executeTakeFirstOrThrow();
    assert.equal(plugin.source_id, '867112628084604930');

    const again = await importTemplates(db(), dir);
    assert.deepEqual(again.counts, { created: 0, updated: 0, unchanged: 3, conflict: 0, overwritten: 0, failed: 0 });
  });

  it('a changed file updates an untouched row; an admin edit is a conflict unless --force', async () => {
    const dir = legacyFolder();
    await importTemplates(db(), dir);
    const id = '7b88f7f0-bbf3-44b6-afaf-85c5b7442ed6';
    writeFileSync(path.join(dir, 'sections_templates', 'greeting_from_test.html'), '<section><h1>Neu aus der Datei</h1></section>');
    const updated = await importTemplates(db(), dir);
    assert.equal(updated.entries.find((e) => e.name === 'greeting_from_test')!.action, 'updated');
    assert.equal((await sectionRow(id)).html, '<section><h1>Neu aus der Datei</h1></section>');

    await updateSection(db(), id, { html: '<section><h1>Im Admin bearbeitet</h1></section>' });
    writeFileSync(path.join(dir, 'sections_templates', 'greeting_from_test.html'), '<section><h1>Noch mal neu</h1></section>');
    const conflicted = await importTemplates(db(), dir);
    const entry = conflicted.entries.find((e) => e.name === 'greeting_from_test')!;
    assert.equal(entry.action, 'conflict');
    assert.match(entry.note!, /admin/);
    assert.equal((await sectionRow(id)).html, '<section><h1>Im Admin bearbeitet</h1></section>', 'the admin edit is kept');

    const forced = await importTemplates(db(), dir, { force: true });
    assert.equal(forced.entries.find((e) => e.name === 'greeting_from_test')!.action, 'overwritten');
    assert.equal((await sectionRow(id)).html, '<section><h1>Noch mal neu</h1></section>');
  });

  it('export → import is lossless (ids, names, HTML, greeting flag, categories, signal options, plugins)', async () => {
    const tricky = '<section>{% load static %}<img src="{% static \'app/favicon.svg\' %}"> Ümlaut ✓ {{ session_id }}\n<script src="/x.js"></script>\r\n</section>';
    await section(db(), 'Runde Sache', { html: tricky, signals: ['vote', 'revealed'], categories: ['slow_and_engaged', 'fast_and_engaged'] });
    await section(db(), 'Runde Sache', { html: '<p>gleicher Name, andere Zeile</p>' });
    await createPlugin(db(), { name: 'Knopf oben', html: '<a href="#top">hoch</a>' });
    const before = await contentSnapshot();
    const dir = tempDir();
    const exported = await exportTemplates(db(), dir);
    assert.equal(exported.sections, before.sections.length);
    assert.ok(readdirSync(path.join(dir, 'sections_templates')).includes('Runde_Sache.html'));
    const json = JSON.parse(readFileSync(path.join(dir, 'sections_templates', 'Runde_Sache.json'), 'utf8'));
    assert.equal(typeof json.section_id, 'string');
    assert.equal(json.greeting_sction, 'False');

    await db().deleteFrom('web_sections').execute();
    await db().deleteFrom('web_plugins').execute();
    const result = await importTemplates(db(), dir);
    assert.equal(result.counts.created, before.sections.length + before.plugins.length);
    assert.deepEqual(await contentSnapshot(), before);
    const again = await importTemplates(db(), dir);
    assert.equal(again.counts.unchanged, before.sections.length + before.plugins.length);
  });

  it('manage import_templates / export_templates: progress, warnings, conflicts and a summary', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), prompt: async () => '', interactive: false };
    const dir = legacyFolder();
    await importTemplatesCommand.run({ positionals: [dir], values: { 'dry-run': true, force: false } }, h().system.context, io);
    assert.match(out.at(-1)!, /^Dry run, nothing written: would have created 0, updated 1, overwritten 0, unchanged 2/, "the file differs from the last forced import");
    await updateSection(db(), '7b88f7f0-bbf3-44b6-afaf-85c5b7442ed6', { html: '<p>Admin</p>' });
    out.length = 0;
    await importTemplatesCommand.run({ positionals: [dir], values: { 'dry-run': false, force: false } }, h().system.context, io);
    assert.ok(out.some((l) => /^\[\d\/3\] conflict/.test(l)), out.join('\n'));
    assert.ok(err.some((l) => l.startsWith('warning: skipped drafts/Entwurf.html')), err.join('\n'));
    assert.ok(err.some((l) => l.startsWith('CONFLICT sections_templates/greeting_from_test.html')), err.join('\n'));
    assert.match(out.at(-1)!, /conflicts 1/);
    await assert.rejects(importTemplatesCommand.run({ positionals: [path.join(dir, 'missing')], values: {} }, h().system.context, io), /is not a folder/);
    const target = tempDir();
    out.length = 0;
    await exportTemplatesCommand.run({ positionals: [target], values: {} }, h().system.context, io);
    assert.match(out.at(-1)!, /^Exported \d+ section\(s\) and \d+ plugin\(s\) to /);
    assert.ok(readdirSync(path.join(target, 'plugins_templates')).includes('Floating_Request_Meeting.json'));
  });

  it('--order puts the imported sections (greetings first) and plugins into an active order that / then shows', async () => {
    const dir = legacyFolder();
    const first = await importTemplates(db(), dir, { order: 'Startseite', force: true });
    const orders = await db().selectFrom('web_section_orders').select(['id', 'is_active']).where('name', '=', 'Startseite').execute();
    assert.equal(orders.length, 1);
    assert.equal(orders[0]!.is_active, true);
    const sections = await orderSectionIds(db(), orders[0]!.id);
    assert.equal(sections[0], '7b88f7f0-bbf3-44b6-afaf-85c5b7442ed6', 'the greeting comes first');
    assert.deepEqual(new Set(sections), new Set(first.entries.filter((e) => e.kind === 'section').map((e) => e.id)));
    assert.equal((await orderPluginIds(db(), orders[0]!.id)).length, 1);
    await importTemplates(db(), dir, { order: 'Startseite' });
    assert.equal((await db().selectFrom('web_section_orders').select('id').where('name', '=', 'Startseite').execute()).length, 1, 'no second order');
    assert.deepEqual(await orderSectionIds(db(), orders[0]!.id), sections);

    await db().updateTable('web_section_orders').set({ is_active: false }).where('name', '!=', 'Startseite').execute();
    const page = await visit(await h().app());
    assert.equal(page.response.statusCode, 200);
    assert.ok(page.response.body.indexOf('Willkommen bei Nadooit.de!') < page.response.body.indexOf('Gr\u00fc\u00dfe'));
    assert.match(page.response.body, /<button hx-post="#">Termin<\/button>/, 'the unknown url name renders #');
    assert.doesNotMatch(page.response.body, /\{\{ video \}\}|\{% load/);
  });
});
