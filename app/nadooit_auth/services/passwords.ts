import { hash, verify } from '@node-rs/argon2';

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
