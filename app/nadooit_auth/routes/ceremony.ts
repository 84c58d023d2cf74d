import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { AppContext } from '../../core/app-module.js';
import type { Tx } from '../../core/db/transaction.js';
import { KEY_NAME_MAX, addCredential, defaultKeyName, hasEnabledKey, listCredentials } from '../services/credentials.js';
import type { Credential } from '../services/credentials.js';
import { hasTotp } from '../services/totp.js';
import type { User } from '../services/users.js';
import { registrationOptions, verifyRegistration } from '../services/webauthn.js';
import type { ChallengePurpose, PendingChallenge } from './state.js';
import { storeChallenge } from './state.js';

const registrationSchema = z.custom<RegistrationResponseJSON>(
  (value) => typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string',
);
export const registrationBody = z.object({ credential: registrationSchema, name: z.string().max(200).optional() });
export const keyNameBody = z.object({ name: z.string().max(200).optional() });

/** Options for adding a key to `user`; the challenge (and the chosen name) wait in the session. */
export async function beginRegistration(
  context: AppContext,
  request: FastifyRequest,
  user: User,
  purpose: ChallengePurpose,
  extra: { tokenId?: string } = {},
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const parsed = keyNameBody.safeParse(request.body ?? {});
  const name = parsed.success ? parsed.data.name?.trim().slice(0, KEY_NAME_MAX) : undefined;
  const existing = await listCredentials(context.db.kysely, user.id);
  const options = await registrationOptions(context.settings, user, existing);
  await storeChallenge(request, { purpose, challenge: options.challenge, userId: user.id, name: name || undefined, ...extra });
  return options;
}

/** Verifies the browser's answer and stores the key; null when the answer does not check out. */
export async function finishRegistration(
  context: AppContext,
  tx: Tx,
  request: FastifyRequest,
  challenge: PendingChallenge,
  response: RegistrationResponseJSON,
): Promise<Credential | null> {
  let verified;
  try {
    verified = await verifyRegistration(context.settings, response, challenge.challenge);
  } catch {
    return null;
  }
  if (!verified || !challenge.userId) return null;
  const count = (await listCredentials(tx, challenge.userId)).length;
  return addCredential(tx, {
    userId: challenge.userId,
    credentialId: verified.credentialId,
    publicKey: verified.publicKey,
    signCount: verified.signCount,
    transports: verified.transports,
    backedUp: verified.backedUp,
    name: challenge.name || defaultKeyName(count, request.language),
  });
}

/** Staff need a second factor: an authenticator app or at least one enabled key. */
export async function hasSecondFactor(context: AppContext, userId: string): Promise<boolean> {
  const db = context.db.kysely;
  return (await hasTotp(db, userId)) || (await hasEnabledKey(db, userId));
}
