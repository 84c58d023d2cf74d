import { it } from 'node:test';
import assert from 'node:assert/strict';
import { messages } from './messages.js';
import { languageGaps, missingMessageKeys } from './testing/catalog.js';

it('the auth catalog has the same keys in German and English', () => {
  assert.deepEqual(languageGaps(messages), { onlyDe: [], onlyEn: [] });
});

it('every message key used in the auth app exists in its catalog', () => {
  const sessionKeys = ['auth.challenge', 'auth.method'];
  assert.deepEqual(missingMessageKeys(import.meta.dirname, ['auth'], [messages], sessionKeys), []);
});
