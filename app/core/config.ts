/** The validated runtime configuration (loaded by app/nadooit/settings.ts, consumed everywhere). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type DatabaseConfig =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; caCertFile?: string };

export interface Settings {
  secretKey: string;
  debug: boolean;
  allowedHosts: string[];
  csrfTrustedOrigins: string[];
  host: string;
  port: number;
  database: DatabaseConfig;
  redisUrl: string | undefined;
  workerInProcess: boolean;
  mediaRoot: string;
  staticRoot: string;
  dataDir: string;
  domain: string;
  logLevel: LogLevel;
  trustProxy: boolean;
  sessionIdleSeconds: number;
  sessionMaxSeconds: number;
  timeZone: string;
  language: 'de' | 'en';
  insecureDevLogin: boolean;
  maxTimeSavedSeconds: number;
  /** Bot/REST API requests per minute and caller; 0 switches the limit off. */
  apiRateLimitPerMinute: number;
  webauthn: { rpId: string; rpName: string; origins: string[] };
  /** Telegram/WhatsApp bots and their AI features (bot_management); defaults apply when absent. */
  bots?: BotSettings;
  /** Website visits and visitor sessions older than this many days are deleted (0 keeps them); default 180. */
  websiteRetentionDays?: number;
}

export interface BotSettings {
  /** 32-byte key for the platform tokens at rest; derived from SECRET_KEY (HKDF) when not set. */
  tokenEncryptionKey?: Buffer;
  /** Public origin Telegram/WhatsApp call back, e.g. https://nadooit.de (default https://DOMAIN). */
  webhookBaseUrl: string;
  telegramApiRoot: string;
  whatsappGraphApiRoot: string;
  openaiBaseUrl?: string;
  openaiApiKey?: string;
  openaiChatModel: string;
  openaiTranscriptionModel: string;
}

