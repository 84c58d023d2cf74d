import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { messages as authMessages } from './messages.js';
import { messages as keyMessages } from '../nadooit_key/messages.js';
import { KEY_ABILITIES } from '../nadooit_key/services.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [full] : [];
  });
}

it('the auth and key catalogs have the same keys in German and English', () => {
  for (const catalog of [authMessages, keyMessages]) {
    assert.deepEqual(Object.keys(catalog.en).sort(), Object.keys(catalog.de).sort());
  }
});

it('every message key used in the auth and key apps exists in the catalogs', () => {
  const known = new Set([...Object.keys(authMessages.de), ...Object.keys(keyMessages.de)]);
  const sessionKeys = new Set(['auth.challenge', 'auth.pendingStaff', 'auth.pendingTotp', 'auth.recoveryCodes', 'auth.secondFactor', 'auth.method']);
  const dirs = ['nadooit_auth', 'nadooit_key'].map((d) => path.join(import.meta.dirname, '..', d));
  const missing: string[] = [];
  for (const file of dirs.flatMap(sourceFiles)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/'((?:auth|key)\.[a-z_]+(?:\.[a-z_]+)+)'/g)) {
      const key = match[1]!;
      if (!known.has(key) && !sessionKeys.has(key)) missing.push(`${path.basename(file)}: ${key}`);
    }
  }
  // key.refused.<ability> and key.ability.<ability> are built from the ability names.
  for (const ability of KEY_ABILITIES) {
    for (const key of [`key.refused.${ability}`, `key.ability.${ability}`]) if (!known.has(key)) missing.push(key);
  }
  assert.deepEqual(missing, []);
});
