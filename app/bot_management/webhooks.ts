import type { AppContext } from '../core/app-module.js';
import type { Settings } from '../core/config.js';
import type { DB } from '../core/db/connection.js';
import { accessToken, telegramApi } from './clients.js';
import type { BotPlatformsTable } from './models.js';
import { hashSecret, newWebhookSecret } from './secrets.js';
import { botSettings } from './settings.js';
import { TELEGRAM_ALLOWED_UPDATES } from './telegram.js';

type Platform = Pick<BotPlatformsTable, 'id' | 'platform' | 'register_id' | 'access_token_enc'>;

export function webhookUrl(settings: Settings, platform: Pick<BotPlatformsTable, 'platform' | 'register_id'>): string {
  return `${botSettings(settings).webhookBaseUrl}/bot/${platform.platform}/webhook/${platform.register_id}`;
}

/**
 * Registers the webhook with a fresh secret: Telegram gets it in setWebhook and sends it back in
 * X-Telegram-Bot-Api-Secret-Token; only its hash is stored. For WhatsApp the new secret is the verify token
 * to enter in Meta's app dashboard (returned once, never stored in plain).
 */
export async function setWebhook(db: DB, settings: Settings, platform: Platform): Promise<{ url: string; secret: string }> {
  const secret = newWebhookSecret();
  const url = webhookUrl(settings, platform);
  if (platform.platform === 'telegram') {
    const api = telegramApi(settings, accessToken(settings, platform));
    await api.setWebhook(url, { secret_token: secret, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] });
  }
  await db
    .updateTable('bot_platforms')
    .set({ secret_token_hash: hashSecret(secret), webhook_url: url, webhook_set_at: new Date().toISOString() })
    .where('id', '=', platform.id)
    .execute();
  return { url, secret };
}

/** Removes the webhook at Telegram and forgets the secret (every delivery is refused from then on). */
export async function deleteWebhook(db: DB, settings: Settings, platform: Platform): Promise<void> {
  if (platform.platform === 'telegram') await telegramApi(settings, accessToken(settings, platform)).deleteWebhook();
  await db.updateTable('bot_platforms').set({ secret_token_hash: null, webhook_url: null, webhook_set_at: null }).where('id', '=', platform.id).execute();
}

/**
 * Asks Telegram for each platform's webhook state and caches it on the row (the admin shows the cache,
 * never calls Telegram per row and page view).
 */
export async function checkWebhooks(context: Pick<AppContext, 'db' | 'settings' | 'log'>): Promise<number> {
  const db = context.db.kysely;
  const platforms = await db.selectFrom('bot_platforms').select(['id', 'platform', 'register_id', 'access_token_enc']).where('platform', '=', 'telegram').where('access_token_enc', 'is not', null).execute();
  for (const platform of platforms) {
    const checkedAt = new Date().toISOString();
    try {
      const info = await telegramApi(context.settings, accessToken(context.settings, platform)).getWebhookInfo();
      await db
        .updateTable('bot_platforms')
        .set({
          webhook_url: info.url || null,
          webhook_pending_update_count: info.pending_update_count,
          webhook_last_error_message: info.last_error_message ?? null,
          webhook_last_error_at: info.last_error_date ? new Date(info.last_error_date * 1000).toISOString() : null,
          webhook_checked_at: checkedAt,
          webhook_check_error: null,
        })
        .where('id', '=', platform.id)
        .execute();
    } catch (error) {
      context.log.warn({ err: error, platform: platform.id }, 'bot webhook check failed');
      await db
        .updateTable('bot_platforms')
        .set({ webhook_checked_at: checkedAt, webhook_check_error: error instanceof Error ? error.message : String(error) })
        .where('id', '=', platform.id)
        .execute();
    }
  }
  return platforms.length;
}

/** `manage bots set_webhooks`: every Telegram/WhatsApp platform with a token gets its webhook with a fresh secret. */
export async function setAllWebhooks(context: Pick<AppContext, 'db' | 'settings'>, report: (line: string) => void): Promise<number> {
  const db = context.db.kysely;
  const platforms = await db.selectFrom('bot_platforms').select(['id', 'platform', 'register_id', 'access_token_enc']).where('platform', '=', 'telegram').where('access_token_enc', 'is not', null).execute();
  let failed = 0;
  for (const platform of platforms) {
    try {
      const { url } = await setWebhook(db, context.settings, platform);
      report(`ok     ${platform.id} ${url}`);
    } catch (error) {
      failed++;
      report(`FAILED ${platform.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failed;
}
