import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Settings } from '../core/config.js';
import { randomToken, sha256Hex } from '../core/http/tokens.js';

const FORMAT = 'v1';

/** The AES-256 key for platform tokens: BOT_TOKEN_ENCRYPTION_KEY, else HKDF-SHA256 of SECRET_KEY. */
export function tokenKey(settings: Pick<Settings, 'secretKey' | 'bots'>): Buffer {
  if (settings.bots?.tokenEncryptionKey) return settings.bots.tokenEncryptionKey;
  return Buffer.from(hkdfSync('sha256', settings.secretKey, 'nadooit-bot-tokens', 'bot_management token encryption v1', 32));
}

/** AES-256-GCM with a random 96-bit nonce: `v1.<nonce>.<ciphertext>.<tag>` (base64url). */
export function encryptToken(key: Buffer, plaintext: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [FORMAT, nonce, body, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

export class TokenDecryptionError extends Error {
  constructor() {
    super('the stored bot token cannot be decrypted (wrong BOT_TOKEN_ENCRYPTION_KEY/SECRET_KEY?): enter it again');
  }
}

export function decryptToken(key: Buffer, stored: string): string {
  const [format, nonce, body, tag] = stored.split('.');
  if (format !== FORMAT || !nonce || body === undefined || !tag) throw new TokenDecryptionError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new TokenDecryptionError();
  }
}

/** A fresh webhook secret (Telegram allows A–Z, a–z, 0–9, _ and -, up to 256 characters). */
export function newWebhookSecret(): string {
  return randomToken(32);
}

export const hashSecret = sha256Hex;

/** Constant time: compares the SHA-256 of what was presented with the stored hash. */
export function secretMatches(presented: string | undefined, storedHash: string | null): boolean {
  if (!storedHash) return false;
  const given = createHash('sha256').update(presented ?? '', 'utf8').digest();
  const expected = Buffer.from(storedHash, 'hex');
  return expected.length === given.length && timingSafeEqual(given, expected) && presented !== undefined;
}

/** WhatsApp's X-Hub-Signature-256: `sha256=<hex HMAC-SHA256 of the raw body with the app secret>`, compared in constant time. */
export function hubSignatureValid(appSecret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (!header || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** For tests and the fake servers: the header a platform would send. */
export function hubSignature(appSecret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
