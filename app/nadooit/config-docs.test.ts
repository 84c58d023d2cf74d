import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, SettingsError, loadSettings } from './settings.js';

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');

/** The variables of the settings schema, read from its source (the schema object is private). */
function schemaVariables(): string[] {
  const source = read('app/nadooit/settings.ts');
  const body = source.slice(source.indexOf('const envSchema = z.object({'), source.indexOf('});', source.indexOf('const envSchema')));
  return [...body.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
}

describe('configuration docs', () => {
  it('finds the schema variables at all', () => {
    const names = schemaVariables();
    assert.ok(names.includes('SECRET_KEY') && names.includes('DATABASE_URL') && names.length > 20, names.join(','));
  });

  it('documents every settings variable in .env.example and docs/configuration.md', () => {
    const example = new Set([...read('.env.example').matchAll(/^#?\s*([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
    const docs = read('docs/configuration.md');
    const missing = schemaVariables().flatMap((name) => [
      ...(example.has(name) ? [] : [`.env.example: ${name}`]),
      ...(docs.includes(`\`${name}\``) ? [] : [`docs/configuration.md: ${name}`]),
    ]);
    assert.deepEqual(missing, []);
  });

  it('documents in docs/configuration.md every variable .env.example lists', () => {
    const docs = read('docs/configuration.md');
    const names = [...read('.env.example').matchAll(/^#?\s*([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
    assert.deepEqual(names.filter((name) => !docs.includes(`\`${name}\``)), []);
  });

  it('.env.example copied to .env starts in development and asks for SECRET_KEY in production', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'nadooit-example-'));
    copyFileSync(path.join(PROJECT_ROOT, '.env.example'), path.join(root, '.env'));
    const dev = loadSettings({ DEBUG: '1' }, root);
    assert.equal(dev.database.kind, 'sqlite');
    assert.throws(() => loadSettings({}, root), (e: unknown) => e instanceof SettingsError && e.variable === 'SECRET_KEY');
  });
});
