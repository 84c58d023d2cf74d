import { randomInt, randomUUID } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { Tx } from '../../core/db/transaction.js';
import { transaction } from '../../core/db/transaction.js';
import { sha256Hex } from '../../core/http/tokens.js';
import { decryptSecret, encryptSecret } from './secrets.js';

const PURPOSE = 'totp';
export const RECOVERY_CODE_COUNT = 10;
/** Accept the previous and the next 30-second step (clock drift of phones). */
const EPOCH_TOLERANCE_SECONDS = 30;

export function newTotpSecret(): string {
  return generateSecret();
}

export function sealTotpSecret(secretKey: string, secret: string): string {
  return encryptSecret(secretKey, PURPOSE, secret);
}

export function openTotpSecret(secretKey: string, sealed: string): string | null {
  return decryptSecret(secretKey, PURPOSE, sealed);
}

export function totpUri(issuer: string, account: string, secret: string): string {
  return generateURI({ issuer, label: account, secret });
}

/** The otpauth:// URI as a PNG data: URL (the CSP allows img data:, and no script is needed). */
export function qrDataUrl(text: string): Promise<string> {
  return QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
}

/** Only 6 digits; spaces people type between groups are ignored. */
export function cleanTotpCode(input: string): string | null {
  const code = input.replace(/\s+/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

/** Checks a code without replay protection; returns its time step or null. */
export async function checkTotp(secret: string, code: string, afterTimeStep?: number | null): Promise<number | null> {
  const clean = cleanTotpCode(code);
  if (!clean) return null;
  const result = await verify({
    secret,
    token: clean,
    epochTolerance: EPOCH_TOLERANCE_SECONDS,
    ...(afterTimeStep !== null && afterTimeStep !== undefined ? { afterTimeStep } : {}),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

export async function hasTotp(db: Tx, userId: string): Promise<boolean> {
  return Boolean(await db.selectFrom('auth_totp_devices').select('user_id').where('user_id', '=', userId).executeTakeFirst());
}

/** Stores a confirmed authenticator app (replacing an earlier one). */
export async function saveTotpDevice(tx: Tx, secretKey: string, userId: string, secret: string, timeStep: number): Promise<void> {
  await tx.deleteFrom('auth_totp_devices').where('user_id', '=', userId).execute();
  await tx
    .insertInto('auth_totp_devices')
    .values({ user_id: userId, secret_encrypted: sealTotpSecret(secretKey, secret), last_time_step: timeStep, created_at: new Date().toISOString() })
    .execute();
}

/**
 * Verifies a code of the user's app. A code is accepted once: the accepted time step is stored and the
 * update is conditional on the previous one, so two parallel requests cannot both use it.
 */
export async function verifyUserTotp(db: Tx, secretKey: string, userId: string, code: string): Promise<boolean> {
  return transaction(db, async (tx) => {
    const device = await tx.selectFrom('auth_totp_devices').selectAll().where('user_id', '=', userId).executeTakeFirst();
    if (!device) return false;
    const secret = openTotpSecret(secretKey, device.secret_encrypted);
    if (!secret) return false;
    const step = await checkTotp(secret, code, device.last_time_step);
    if (step === null) return false;
    let update = tx.updateTable('auth_totp_devices').set({ last_time_step: step }).where('user_id', '=', userId);
    update = device.last_time_step === null ? update.where('last_time_step', 'is', null) : update.where('last_time_step', '=', device.last_time_step);
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  });
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function recoveryCode(): string {
  let raw = '';
  for (let i = 0; i < 12; i++) raw += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
}

function normaliseRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Replaces the user's recovery codes; returns the new ones (to show once). Stored as SHA-256 only. */
export async function regenerateRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, recoveryCode);
  const now = new Date().toISOString();
  await tx.deleteFrom('auth_recovery_codes').where('user_id', '=', userId).execute();
  await tx
    .insertInto('auth_recovery_codes')
    .values(codes.map((code) => ({ id: randomUUID(), user_id: userId, code_hash: sha256Hex(normaliseRecoveryCode(code)), used_at: null, created_at: now })))
    .execute();
  return codes;
}

export async function unusedRecoveryCodeCount(db: Tx, userId: string): Promise<number> {
  const row = await db
    .selectFrom('auth_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Uses up one recovery code; false when it is unknown or already used. */
export async function useRecoveryCode(tx: Tx, userId: string, input: string): Promise<boolean> {
  const normalised = normaliseRecoveryCode(input);
  if (normalised.length !== 12) return false;
  const result = await tx
    .updateTable('auth_recovery_codes')
    .set({ used_at: new Date().toISOString() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', sha256Hex(normalised))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
