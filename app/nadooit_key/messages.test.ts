import { it } from 'node:test';
import assert from 'node:assert/strict';
import { messages as authMessages } from '../nadooit_auth/messages.js';
import { languageGaps, missingMessageKeys } from '../nadooit_auth/testing/catalog.js';
import { messages } from './messages.js';
import { KEY_ABILITIES } from './services.js';

it('the key catalog has the same keys in German and English', () => {
  assert.deepEqual(languageGaps(messages), { onlyDe: [], onlyEn: [] });
});

it('every message key used in the key app exists, including those built from ability names', () => {
  assert.deepEqual(missingMessageKeys(import.meta.dirname, ['auth', 'key'], [messages, authMessages]), []);
  for (const ability of KEY_ABILITIES) {
    assert.ok(messages.de[`key.refused.${ability}`], ability);
    assert.ok(messages.de[`key.ability.${ability}`], ability);
  }
});
