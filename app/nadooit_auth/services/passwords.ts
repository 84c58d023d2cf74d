import { hash, verify } from '@node-rs/argon2';
import { pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** argon2id (the library's default algorithm) with its OWASP-level default cost. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let dummyHash: Promise<string> | null = null;

/**
 * Verifies a password; with no hash (unknown user, no password) it still spends the same time on a dummy
 * hash, so response times do not tell which usernames exist.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hash('nadooit-dummy-password-for-timing');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  const django = DJANGO_PBKDF2.exec(storedHash);
  if (django) return verifyDjangoHash(Number(django[1]), django[2]!, django[3]!, password);
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** Returns a message key when the password is not acceptable. */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return 'auth.password.too_short';
  if (password.length > PASSWORD_MAX_LENGTH) return 'auth.password.too_long';
  if (username && password.toLowerCase().includes(username.toLowerCase())) return 'auth.password.contains_username';
  if (new Set(password).size < 5) return 'auth.password.too_simple';
  return null;
}

/** Django's `pbkdf2_sha256$<iterations>$<salt>$<base64>`: staff accounts imported from the original. */
const DJANGO_PBKDF2 = /^pbkdf2_sha256\$(\d{1,8})\$([^$]+)\$([A-Za-z0-9+/]+={0,2})$/;

/** True for a hash in the original's format; it is replaced by argon2id at the next successful login. */
export function needsRehash(storedHash: string | null | undefined): boolean {
  return !!storedHash && DJANGO_PBKDF2.test(storedHash);
}

async function verifyDjangoHash(iterations: number, salt: string, expectedBase64: string, password: string): Promise<boolean> {
  const expected = Buffer.from(expectedBase64, 'base64');
  if (iterations < 1 || expected.length !== 32) return false;
  const actual = await pbkdf2Async(password, salt, iterations, expected.length, 'sha256');
  return timingSafeEqual(actual, expected);
}
