import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { testSettings } from '../../test/support/harness.js';
import { TokenDecryptionError, decryptToken, encryptToken, hashSecret, hubSignature, hubSignatureValid, secretMatches, tokenKey } from './secrets.js';

describe('bot_management secrets', () => {
  it('encrypts tokens with AES-256-GCM: a fresh nonce each time, tampering and a wrong key are refused', () => {
    const key = randomBytes(32);
    const a = encryptToken(key, '123:ABC');
    const b = encryptToken(key, '123:ABC');
    assert.notEqual(a, b);
    assert.ok(!a.includes('123:ABC'));
    assert.equal(decryptToken(key, a), '123:ABC');
    const parts = a.split('.');
    parts[2] = Buffer.from('124:ABC').toString('base64url');
    assert.throws(() => decryptToken(key, parts.join('.')), TokenDecryptionError);
    assert.throws(() => decryptToken(randomBytes(32), a), TokenDecryptionError);
    assert.throws(() => decryptToken(key, 'garbage'), TokenDecryptionError);
  });

  it('derives the key from SECRET_KEY with HKDF unless BOT_TOKEN_ENCRYPTION_KEY is set', () => {
    const derived = tokenKey(testSettings());
    assert.equal(derived.length, 32);
    assert.deepEqual(tokenKey(testSettings()), derived, 'the same secret gives the same key');
    assert.notDeepEqual(tokenKey(testSettings({ SECRET_KEY: 'another-secret-key-0123456789-abcdefghijklmnop' })), derived);
    const explicit = randomBytes(32);
    assert.deepEqual(tokenKey(testSettings({ BOT_TOKEN_ENCRYPTION_KEY: explicit.toString('hex') })), explicit);
    assert.deepEqual(tokenKey(testSettings({ BOT_TOKEN_ENCRYPTION_KEY: explicit.toString('base64') })), explicit);
    assert.throws(() => testSettings({ BOT_TOKEN_ENCRYPTION_KEY: 'too-short' }), /BOT_TOKEN_ENCRYPTION_KEY/);
  });

  it('checks webhook secrets and WhatsApp signatures', () => {
    const stored = hashSecret('s3cret');
    assert.equal(secretMatches('s3cret', stored), true);
    for (const wrong of ['s3creT', '', undefined]) assert.equal(secretMatches(wrong, stored), false);
    assert.equal(secretMatches('s3cret', null), false, 'no webhook set: nothing is accepted');
    const body = Buffer.from('{"entry":[]}');
    const signature = hubSignature('app-secret', body);
    assert.equal(hubSignatureValid('app-secret', body, signature), true);
    assert.equal(hubSignatureValid('other', body, signature), false);
    assert.equal(hubSignatureValid('app-secret', Buffer.from('{"entry":[] }'), signature), false);
    for (const bad of [undefined, '', 'sha256=', 'sha1=abc', signature.slice(0, -2)]) assert.equal(hubSignatureValid('app-secret', body, bad), false, String(bad));
  });
});
