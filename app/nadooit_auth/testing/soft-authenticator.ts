import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/**
 * A software FIDO2 authenticator (ES256, "none" attestation) for HTTP tests: it answers the server's
 * WebAuthn options exactly as a browser with a security key would, so tests exercise the real checks.
 */
interface StoredCredential {
  id: string;
  privateKey: KeyObject;
  cosePublicKey: Buffer;
  counter: number;
  userHandle: string | null;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();

function cborBytes(bytes: Buffer): Buffer {
  if (bytes.length < 24) return Buffer.concat([Buffer.from([0x40 + bytes.length]), bytes]);
  if (bytes.length < 256) return Buffer.concat([Buffer.from([0x58, bytes.length]), bytes]);
  return Buffer.concat([Buffer.from([0x59, bytes.length >> 8, bytes.length & 0xff]), bytes]);
}

function cborText(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([0x60 + bytes.length]), bytes]);
}

/** COSE_Key {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}. */
function coseKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x!, 'base64url');
  const y = Buffer.from(jwk.y!, 'base64url');
  return Buffer.concat([Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21]), cborBytes(x), Buffer.from([0x22]), cborBytes(y)]);
}

function counterBytes(counter: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(counter);
  return out;
}

export class SoftAuthenticator {
  private readonly credentials = new Map<string, StoredCredential>();

  constructor(
    readonly origin: string,
    readonly rpId = new URL(origin).hostname,
  ) {}

  get credentialIds(): string[] {
    return [...this.credentials.keys()];
  }

  /** Answers navigator.credentials.create(); the new key is discoverable (resident). */
  createCredential(options: PublicKeyCredentialCreationOptionsJSON): RegistrationResponseJSON {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rawId = randomBytes(32);
    const credential: StoredCredential = {
      id: b64url(rawId),
      privateKey,
      cosePublicKey: coseKey(publicKey),
      counter: 0,
      userHandle: options.user.id,
    };
    this.credentials.set(credential.id, credential);
    const clientDataJSON = JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: this.origin, crossOrigin: false });
    const idLength = Buffer.from([rawId.length >> 8, rawId.length & 0xff]);
    const authData = Buffer.concat([
      sha256(this.rpId),
      Buffer.from([0x45]), // user present, user verified, attested credential data
      counterBytes(0),
      Buffer.alloc(16), // AAGUID
      idLength,
      rawId,
      credential.cosePublicKey,
    ]);
    const attestationObject = Buffer.concat([
      Buffer.from([0xa3]),
      cborText('fmt'),
      cborText('none'),
      cborText('attStmt'),
      Buffer.from([0xa0]),
      cborText('authData'),
      cborBytes(authData),
    ]);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['usb'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
    };
  }

  /**
   * Answers navigator.credentials.get(): with an allow list it uses the first key of its own on that
   * list (or `use`, to test a key the server did not ask for); without one, any discoverable key.
   * `userVerified: false` answers with user presence only (a touch, no PIN or biometric).
   */
  getAssertion(
    options: PublicKeyCredentialRequestOptionsJSON,
    choice: { use?: string; counter?: number; origin?: string; userVerified?: boolean } = {},
  ): AuthenticationResponseJSON {
    const allowed = options.allowCredentials?.map((c) => c.id) ?? [];
    const id = choice.use ?? (allowed.length ? allowed.find((a) => this.credentials.has(a)) : this.credentialIds[0]);
    const credential = id ? this.credentials.get(id) : undefined;
    if (!credential) throw new Error('NotAllowedError: no matching credential on this authenticator');
    credential.counter = choice.counter ?? credential.counter + 1;
    const clientDataJSON = JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: choice.origin ?? this.origin, crossOrigin: false });
    const flags = choice.userVerified === false ? 0x01 : 0x05; // user present (+ user verified)
    const authenticatorData = Buffer.concat([sha256(this.rpId), Buffer.from([flags]), counterBytes(credential.counter)]);
    const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), credential.privateKey);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authenticatorData),
        signature: b64url(signature),
        userHandle: credential.userHandle ?? undefined,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
    };
  }
}
