import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { LOG_LEVELS } from '../core/config.js';
import type { DatabaseConfig, Settings } from '../core/config.js';
import { DEFAULT_LADDER, TRANSCODE_MODES, parseLadder } from '../nadooit_website/video/settings.js';

export type { Settings };

/** Repository root: every relative path in the settings is resolved from here. */
/** The checkout (package.json's folder), whether this module runs from app/nadooit or compiled from dist/app/nadooit. */
export const PROJECT_ROOT = ((above) => (path.basename(above) === 'dist' ? path.dirname(above) : above))(path.resolve(import.meta.dirname, '..', '..'));

export class SettingsError extends Error {
  constructor(readonly variable: string, readonly expected: string) {
    super(`${variable}: ${expected}`);
  }
}

const bool = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const s = v.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return true;
      if (['0', 'false', 'no', 'off'].includes(s)) return false;
      ctx.addIssue({ code: 'custom', message: 'expected one of 1/0, true/false, yes/no, on/off' });
      return z.NEVER;
    });

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v.trim());
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const list = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean));


const envSchema = z.object({
  SECRET_KEY: z.string().optional(),
  DEBUG: bool(false),
  ALLOWED_HOSTS: list,
  CSRF_TRUSTED_ORIGINS: list,
  HOST: z.string().optional().default('127.0.0.1'),
  PORT: int(8000, 0, 65535),
  DATABASE_URL: z.string().optional(),
  COCKROACH_DB_HOST: z.string().optional(),
  COCKROACH_DB_NAME: z.string().optional(),
  COCKROACH_DB_PORT: int(26257, 1, 65535),
  COCKROACH_DB_USER: z.string().optional(),
  COCKROACH_DB_PASSWORD: z.string().optional(),
  COCKROACH_DB_OPTIONS: z.string().optional(),
  COCKROACH_DB_CA_CERT: z.string().optional(),
  REDIS_URL: z.string().optional(),
  CELERY_BROKER_URL: z.string().optional(),
  WORKER_IN_PROCESS: bool(true).optional(),
  MEDIA_ROOT: z.string().optional().default('media'),
  STATIC_ROOT: z.string().optional().default('staticfiles'),
  DATA_DIR: z.string().optional().default('data'),
  DOMAIN: z.string().optional().default('localhost'),
  LOG_LEVEL: z.enum(LOG_LEVELS).optional().default('info'),
  TRUST_PROXY: bool(false),
  SESSION_IDLE_MINUTES: int(120, 1, 60 * 24 * 30),
  WEBSITE_RETENTION_DAYS: int(180, 0, 36_500),
  SESSION_MAX_HOURS: int(24 * 7, 1, 24 * 365),
  TIME_ZONE: z.string().optional().default('Europe/Berlin'),
  LANGUAGE: z.enum(['de', 'en']).optional().default('de'),
  INSECURE_DEV_LOGIN: bool(false),
  MAX_TIME_SAVED_SECONDS: int(86_400 * 31, 1, 2_147_483_647),
  NADOOIT_API_RATE_LIMIT_PER_MINUTE: int(1200, 0, 1_000_000),
  WEBAUTHN_RP_ID: z.string().optional(),
  WEBAUTHN_RP_NAME: z.string().optional().default('NADOOIT'),
  WEBAUTHN_ORIGIN: z.string().optional(),
  BOT_TOKEN_ENCRYPTION_KEY: z.string().optional(),
  BOT_WEBHOOK_BASE_URL: z.string().optional(),
  TELEGRAM_API_ROOT: z.string().optional().default('https://api.telegram.org'),
  WHATSAPP_GRAPH_API_ROOT: z.string().optional().default('https://graph.facebook.com/v21.0'),
  OPENAI_BASE_URL: z.string().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_CHAT_MODEL: z.string().optional().default('gpt-4o-mini'),
  OPENAI_TRANSCRIPTION_MODEL: z.string().optional().default('whisper-1'),
  VIDEO_MAX_UPLOAD_MB: int(2048, 1, 1_048_576),
  VIDEO_LADDER: z.string().optional(),
  VIDEO_TRANSCODE_MODE: z.enum(TRANSCODE_MODES).optional().default('progressive'),
  VIDEO_X264_PRESET: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow']).optional().default('medium'),
});

/** Reads KEY=VALUE lines; existing environment variables win, as with python-dotenv in the original. */
export function readDotEnv(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 1) continue;
    const key = line.slice(0, eq).trim().replace(/^export\s+/, '');
    let value = line.slice(eq + 1).trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1);
    }
    out[key] = value;
  }
  return out;
}

/** Accepts `example.com`, `https://example.com` or `http://localhost:8000`; never doubles the scheme. */
export function normaliseOrigin(entry: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? entry : `https://${entry}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new SettingsError('CSRF_TRUSTED_ORIGINS', `"${entry}" is neither a host nor an origin like https://example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError('CSRF_TRUSTED_ORIGINS', `"${entry}" must use http or https`);
  }
  return url.origin;
}

function databaseConfig(env: z.infer<typeof envSchema>, root: string, dataDir: string): DatabaseConfig {
  if (env.DATABASE_URL) {
    const url = env.DATABASE_URL.trim();
    if (url.startsWith('sqlite:')) {
      const file = url.replace(/^sqlite:(\/\/)?/, '');
      if (!file) throw new SettingsError('DATABASE_URL', 'sqlite: needs a file path, e.g. sqlite:data/db.sqlite3');
      return { kind: 'sqlite', file: file === ':memory:' ? file : path.resolve(root, file) };
    }
    if (/^postgres(ql)?:\/\//.test(url)) {
      try {
        new URL(url);
      } catch {
        throw new SettingsError('DATABASE_URL', 'is not a valid postgres:// URL');
      }
      return { kind: 'postgres', url, caCertFile: env.COCKROACH_DB_CA_CERT };
    }
    throw new SettingsError(
      'DATABASE_URL',
      'expected postgres://…, postgresql://… or sqlite:<file> (leave it unset for the SQLite default)',
    );
  }
  if (env.COCKROACH_DB_HOST) {
    for (const required of ['COCKROACH_DB_NAME', 'COCKROACH_DB_USER'] as const) {
      if (!env[required]) throw new SettingsError(required, 'is required when COCKROACH_DB_HOST is set');
    }
    const auth = `${encodeURIComponent(env.COCKROACH_DB_USER!)}${
      env.COCKROACH_DB_PASSWORD ? `:${encodeURIComponent(env.COCKROACH_DB_PASSWORD)}` : ''
    }`;
    const params = new URLSearchParams(env.COCKROACH_DB_OPTIONS ?? '');
    if (env.COCKROACH_DB_CA_CERT && !params.has('sslmode')) params.set('sslmode', 'verify-full');
    const query = params.toString();
    return {
      kind: 'postgres',
      url: `postgresql://${auth}@${env.COCKROACH_DB_HOST}:${env.COCKROACH_DB_PORT}/${encodeURIComponent(
        env.COCKROACH_DB_NAME!,
      )}${query ? `?${query}` : ''}`,
      caCertFile: env.COCKROACH_DB_CA_CERT,
    };
  }
  return { kind: 'sqlite', file: path.join(dataDir, 'db.sqlite3') };
}

function redisUrl(env: z.infer<typeof envSchema>): string | undefined {
  for (const name of ['REDIS_URL', 'CELERY_BROKER_URL'] as const) {
    const value = env[name]?.trim();
    if (!value) continue;
    if (!/^rediss?:\/\//.test(value)) throw new SettingsError(name, 'expected redis://host:port/db or rediss://…');
    return value;
  }
  return undefined;
}

function httpUrl(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new SettingsError(variable, 'expected an http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SettingsError(variable, 'expected an http(s) URL');
  return url.toString().replace(/\/+$/, '');
}

/** BOT_TOKEN_ENCRYPTION_KEY: 32 bytes as 64 hex digits or base64; undefined = derive from SECRET_KEY. */
function botTokenKey(value: string | undefined): Buffer | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const key = /^[0-9a-f]{64}$/i.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  if (key.length !== 32) throw new SettingsError('BOT_TOKEN_ENCRYPTION_KEY', 'expected 32 bytes as 64 hex digits or base64');
  return key;
}

function botSettings(env: z.infer<typeof envSchema>): NonNullable<Settings['bots']> {
  const blank = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
  return {
    tokenEncryptionKey: botTokenKey(env.BOT_TOKEN_ENCRYPTION_KEY),
    webhookBaseUrl: httpUrl('BOT_WEBHOOK_BASE_URL', blank(env.BOT_WEBHOOK_BASE_URL) ?? `https://${env.DOMAIN}`),
    telegramApiRoot: httpUrl('TELEGRAM_API_ROOT', env.TELEGRAM_API_ROOT),
    whatsappGraphApiRoot: httpUrl('WHATSAPP_GRAPH_API_ROOT', env.WHATSAPP_GRAPH_API_ROOT),
    openaiBaseUrl: blank(env.OPENAI_BASE_URL) && httpUrl('OPENAI_BASE_URL', env.OPENAI_BASE_URL!),
    openaiApiKey: blank(env.OPENAI_API_KEY),
    openaiChatModel: env.OPENAI_CHAT_MODEL,
    openaiTranscriptionModel: env.OPENAI_TRANSCRIPTION_MODEL,
  };
}

const developmentSecretFile = (dataDir: string) => path.join(dataDir, 'secret_key');

function videoSettings(env: z.infer<typeof envSchema>): NonNullable<Settings['video']> {
  let ladder = DEFAULT_LADDER;
  if (env.VIDEO_LADDER?.trim()) {
    try {
      ladder = parseLadder(env.VIDEO_LADDER);
    } catch (error) {
      throw new SettingsError('VIDEO_LADDER', (error as Error).message);
    }
  }
  return { maxUploadBytes: env.VIDEO_MAX_UPLOAD_MB * 1024 * 1024, ladder, mode: env.VIDEO_TRANSCODE_MODE, preset: env.VIDEO_X264_PRESET };
}

/** In development a secret is generated once and kept under data/, so sessions survive restarts. */
function developmentSecret(dataDir: string): string {
  const file = developmentSecretFile(dataDir);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export interface LoadOptions {
  /**
   * The manage CLI next to `npm run dev`: with neither SECRET_KEY nor DEBUG set, a data directory holding the
   * development secret (only DEBUG creates it) makes this a development setup, so `npm run manage -- demo`
   * works in the setup the README starts. The web process never does this: production needs its secret.
   */
  joinDevelopmentSetup?: boolean;
}

export function loadSettings(
  environment: Record<string, string | undefined> = process.env,
  root: string = PROJECT_ROOT,
  options: LoadOptions = {},
): Settings {
  const merged = { ...readDotEnv(path.join(root, '.env')), ...environment };
  const parsed = envSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const expected = issue.code === 'invalid_value' ? `expected one of ${(issue as { values: unknown[] }).values.join(', ')}` : issue.message;
    throw new SettingsError(variable, expected);
  }
  const env = parsed.data;
  const dataDir = path.resolve(root, env.DATA_DIR);

  let secretKey = env.SECRET_KEY?.trim() ?? '';
  const debugUnset = !merged.DEBUG?.trim();
  const debug =
    env.DEBUG || (!secretKey && debugUnset && options.joinDevelopmentSetup === true && existsSync(developmentSecretFile(dataDir)));
  if (!secretKey) {
    if (!debug) {
      throw new SettingsError(
        'SECRET_KEY',
        'is required when DEBUG is off (a long random string). For development, start `npm run dev` once ' +
          '(it keeps a development secret in the data directory) or set DEBUG=1',
      );
    }
    secretKey = developmentSecret(dataDir);
  } else if (secretKey.length < 32 || secretKey === 'changeme') {
    throw new SettingsError('SECRET_KEY', 'must be at least 32 random characters');
  }

  if (env.INSECURE_DEV_LOGIN && !debug) {
    throw new SettingsError('INSECURE_DEV_LOGIN', 'is refused when DEBUG is off');
  }
  if (!/^[A-Za-z_]+\/[A-Za-z_+-]+/.test(env.TIME_ZONE) && env.TIME_ZONE !== 'UTC') {
    throw new SettingsError('TIME_ZONE', 'expected an IANA zone such as Europe/Berlin');
  }

  const database = databaseConfig(env, root, dataDir);
  const redis = redisUrl(env);
  const allowedHosts = env.ALLOWED_HOSTS.length
    ? env.ALLOWED_HOSTS.map((h) => h.toLowerCase())
    : ['localhost', '127.0.0.1', '[::1]', env.DOMAIN.toLowerCase()];
  const csrfTrustedOrigins = env.CSRF_TRUSTED_ORIGINS.map(normaliseOrigin);
  const rpId = env.WEBAUTHN_RP_ID?.trim() || (debug ? 'localhost' : env.DOMAIN);

  return {
    secretKey,
    debug: debug,
    allowedHosts,
    csrfTrustedOrigins,
    host: env.HOST,
    port: env.PORT,
    database,
    redisUrl: redis,
    workerInProcess: env.WORKER_IN_PROCESS ?? (database.kind === 'sqlite' && !redis),
    mediaRoot: path.resolve(root, env.MEDIA_ROOT),
    staticRoot: path.resolve(root, env.STATIC_ROOT),
    dataDir,
    domain: env.DOMAIN,
    logLevel: env.LOG_LEVEL,
    trustProxy: env.TRUST_PROXY,
    sessionIdleSeconds: env.SESSION_IDLE_MINUTES * 60,
    sessionMaxSeconds: env.SESSION_MAX_HOURS * 3600,
    timeZone: env.TIME_ZONE,
    language: env.LANGUAGE,
    insecureDevLogin: env.INSECURE_DEV_LOGIN,
    maxTimeSavedSeconds: env.MAX_TIME_SAVED_SECONDS,
    apiRateLimitPerMinute: env.NADOOIT_API_RATE_LIMIT_PER_MINUTE,
    webauthn: {
      rpId,
      rpName: env.WEBAUTHN_RP_NAME,
      origins: env.WEBAUTHN_ORIGIN?.trim()
        ? env.WEBAUTHN_ORIGIN.split(',').map((o) => normaliseOrigin(o.trim()))
        : [`https://${rpId}`, ...(debug ? [`http://localhost:${env.PORT}`] : [])], // never an IP address: browsers refuse keys there
    },
    bots: botSettings(env),
    websiteRetentionDays: env.WEBSITE_RETENTION_DAYS,
    video: videoSettings(env),
  };
}
