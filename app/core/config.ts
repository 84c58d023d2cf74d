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
  /** Self-hosted video (nadooit_website); defaults apply when absent. */
  video?: VideoConfig;
}

/** One rung of the transcoding ladder: frame height and video bitrate. */
export interface LadderRung {
  height: number;
  videoKbps: number;
}

export interface VideoConfig {
  /** Largest accepted upload (VIDEO_MAX_UPLOAD_MB). */
  maxUploadBytes: number;
  /** VIDEO_LADDER, lowest first; rungs above the source height are skipped (never upscaled). */
  ladder: LadderRung[];
  /**
   * VIDEO_TRANSCODE_MODE: `progressive` encodes the lowest rung alone first (playable early), then the rest
   * in one ffmpeg with several outputs; `one-pass` all rungs in one ffmpeg; `per-rendition` one ffmpeg each.
   */
  mode: 'progressive' | 'one-pass' | 'per-rendition';
  /** x264 preset (VIDEO_X264_PRESET). */
  preset: string;
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

