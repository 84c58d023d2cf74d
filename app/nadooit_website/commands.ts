import type { CommandDefinition } from '../core/cli/registry.js';
import { CommandError } from '../core/cli/registry.js';
import { stat } from 'node:fs/promises';
import { exportTemplates, importTemplates } from './services/sync.js';

const DEFAULT_DIR = 'templates_sync';

function folder(input: { positionals: string[]; values: Record<string, unknown> }, option: string): string {
  return (input.positionals[0] ?? (input.values[option] as string | undefined) ?? DEFAULT_DIR).trim();
}

/** `manage export_templates [dir]`: every section and plugin in the original's on-disk format. */
export const exportTemplatesCommand: CommandDefinition = {
  name: 'export_templates',
  summary: 'Write all website sections and plugins to <dir>/sections_templates and <dir>/plugins_templates',
  options: { 'output-dir': { type: 'string' } },
  async run(input, { db }, io) {
    const dir = folder(input, 'output-dir');
    const result = await exportTemplates(db.kysely, dir, (line) => io.out(line));
    io.out(`Exported ${result.sections} section(s) and ${result.plugins} plugin(s) to ${dir}.`);
  },
};

/**
 * `manage import_templates [dir] [--dry-run] [--force] [--order NAME]`: reads such a folder; admin edits are
 * never overwritten silently; --order also puts the imported sections and plugins into an active order.
 */
export const importTemplatesCommand: CommandDefinition = {
  name: 'import_templates',
  summary: 'Import website sections and plugins from a template folder (--dry-run shows what would change, --force overwrites admin edits, --order NAME shows them)',
  options: { 'input-dir': { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, force: { type: 'boolean', default: false }, order: { type: 'string' } },
  async run(input, { db }, io) {
    const dir = folder(input, 'input-dir');
    const info = await stat(dir).catch(() => null);
    if (!info?.isDirectory()) throw new CommandError(`${dir} is not a folder`);
    const dryRun = !!input.values['dry-run'];
    const order = typeof input.values.order === 'string' && input.values.order.trim() ? input.values.order.trim() : undefined;
    const result = await importTemplates(db.kysely, dir, { dryRun, force: !!input.values.force, order, progress: (line) => io.out(line) });
    for (const warning of result.warnings) io.err(`warning: ${warning}`);
    const conflicts = result.entries.filter((e) => e.action === 'conflict');
    for (const c of conflicts) io.err(`CONFLICT ${c.file}: ${c.note} — kept the database version (use --force to overwrite)`);
    const c = result.counts;
    io.out(
      `${dryRun ? 'Dry run, nothing written: would have ' : ''}created ${c.created}, updated ${c.updated}, overwritten ${c.overwritten}, unchanged ${c.unchanged}, conflicts ${c.conflict}, warnings ${result.warnings.length}.`,
    );
  },
};

export const templateCommands: CommandDefinition[] = [exportTemplatesCommand, importTemplatesCommand];
