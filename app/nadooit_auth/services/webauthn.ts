import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Settings } from '../../core/config.js';
import type { Credential } from './credentials.js';
import type { User } from './users.js';

const TIMEOUT_MS = 120_000;

function transportsOf(credential: Credential): string[] | undefined {
  return credential.transports ? (JSON.parse(credential.transports) as string[]) : undefined;
}

export function userHandle(user: Pick<User, 'id'>): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(user.id, 'utf8'));
}

export async function registrationOptions(
  settings: Settings,
  user: User,
  existing: Credential[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: settings.webauthn.rpName,
    rpID: settings.webauthn.rpId,
    userName: user.user_code,
    userDisplayName: user.display_name || user.user_code,
    userID: userHandle(user),
    attestationType: 'none',
    timeout: TIMEOUT_MS,
    excludeCredentials: existing.map((c) => ({ id: c.credential_id, transports: transportsOf(c) })),
    // Resident keys where possible, so the same key also works for the passkey quick login.
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
}

export interface VerifiedKey {
  credentialId: string;
  publicKey: Uint8Array;
  signCount: number;
  transports?: string[];
  backedUp: boolean;
}

/** Throws (or returns null) when the browser's answer does not match the challenge, origin or RP id. */
export async function verifyRegistration(
  settings: Settings,
  response: RegistrationResponseJSON,
  expectedChallenge: string,
): Promise<VerifiedKey | null> {
  const result = await verifyRegistrationResponse({
    response,
    expectedChallenge,
    expectedOrigin: settings.webauthn.origins,
    expectedRPID: settings.webauthn.rpId,
    requireUserVerification: false,
  });
  if (!result.verified) return null;
  const { credential, credentialBackedUp } = result.registrationInfo;
  return {
    credentialId: credential.id,
    publicKey: credential.publicKey,
    signCount: credential.counter,
    transports: credential.transports ?? response.response.transports,
    backedUp: credentialBackedUp,
  };
}

/**
 * With credentials: login by code, or a staff second factor (only those keys may answer; a touch is
 * enough, because the code or the password already names the account). Without: the usernameless
 * passkey login, where the key is the only factor, so it must verify its user (PIN or biometric).
 */
export async function authenticationOptions(
  settings: Settings,
  allow?: Array<{ id: string; transports?: string[] }>,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: settings.webauthn.rpId,
    timeout: TIMEOUT_MS,
    userVerification: allow ? 'preferred' : 'required',
    allowCredentials: allow,
  });
}

export function allowListOf(credentials: Credential[]): Array<{ id: string; transports?: string[] }> {
  return credentials.map((c) => ({ id: c.credential_id, transports: transportsOf(c) }));
}

/**
 * Verifies an assertion against the stored key; returns the new signature counter. A counter that did not
 * grow (a cloned key) makes the library throw, which callers treat as a failed login.
 */
export async function verifyAuthentication(
  settings: Settings,
  response: AuthenticationResponseJSON,
  expectedChallenge: string,
  credential: Credential,
  requireUserVerification: boolean,
): Promise<number | null> {
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge,
    expectedOrigin: settings.webauthn.origins,
    expectedRPID: settings.webauthn.rpId,
    credential: {
      id: credential.credential_id,
      publicKey: new Uint8Array(Buffer.from(credential.public_key, 'base64url')),
      counter: credential.sign_count,
      transports: transportsOf(credential) as never,
    },
    requireUserVerification,
  });
  return result.verified ? result.authenticationInfo.newCounter : null;
}
