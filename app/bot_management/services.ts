import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Settings } from '../core/config.js';
import { transaction } from '../core/db/transaction.js';
import type { Tx } from '../core/db/transaction.js';
import { privateMediaFile } from '../nadooit_ops/private-media.js';
import type { PlatformKind } from './models.js';
import { encryptToken, hashSecret, tokenKey } from './secrets.js';

/** A bot; `code` is the name its code is registered under (default: the bot's name). */
export async function createBot(tx: Tx, input: { name: string; code?: string; customerId: string }): Promise<string> {
  const id = randomUUID();
  await tx.insertInto('bot_bots').values({ id, name: input.name, code: input.code ?? input.name, customer_id: input.customerId, created_at: new Date().toISOString() }).execute();
  return id;
}

export interface PlatformInput {
  botId: string;
  platform: PlatformKind;
  accessToken?: string | null;
  appSecret?: string | null;
  phoneNumber?: string | null;
  phoneNumberId?: string | null;
  /** Tests and imports: a known webhook secret (otherwise it is set with the webhook). */
  secret?: string | null;
}

/** A bot platform; tokens are encrypted with the settings' key before they reach the database. */
export async function createPlatform(tx: Tx, settings: Settings, input: PlatformInput): Promise<{ id: string; registerId: string }> {
  const key = tokenKey(settings);
  const id = randomUUID();
  const registerId = randomUUID();
  await tx
    .insertInto('bot_platforms')
    .values({
      id,
      bot_id: input.botId,
      platform: input.platform,
      register_id: registerId,
      access_token_enc: input.accessToken ? encryptToken(key, input.accessToken) : null,
      app_secret_enc: input.appSecret ? encryptToken(key, input.appSecret) : null,
      secret_token_hash: input.secret ? hashSecret(input.secret) : null,
      phone_number: input.phoneNumber ?? null,
      phone_number_id: input.phoneNumberId ?? null,
      send_paused_until: null,
      webhook_url: null,
      webhook_set_at: null,
      webhook_pending_update_count: null,
      webhook_last_error_message: null,
      webhook_last_error_at: null,
      webhook_checked_at: null,
      webhook_check_error: null,
      created_at: new Date().toISOString(),
    })
    .execute();
  return { id, registerId };
}

/** Replaces the stored tokens (blank values leave a token as it is). */
export async function updatePlatformTokens(tx: Tx, settings: Settings, id: string, tokens: { accessToken?: string | null; appSecret?: string | null }): Promise<void> {
  const key = tokenKey(settings);
  const set: { access_token_enc?: string; app_secret_enc?: string } = {};
  if (tokens.accessToken) set.access_token_enc = encryptToken(key, tokens.accessToken);
  if (tokens.appSecret) set.app_secret_enc = encryptToken(key, tokens.appSecret);
  if (Object.keys(set).length) await tx.updateTable('bot_platforms').set(set).where('id', '=', id).execute();
}

/**
 * Deletes voice messages (or only their stored files) together with the audio under private media. The
 * files go once the transaction committed, so a rolled-back delete keeps them.
 */
export async function deleteVoices(db: Tx, settings: Settings, ids: { voiceIds?: string[]; fileIds?: string[] }): Promise<void> {
  await transaction(db, async (tx, hooks) => {
    let files = tx.selectFrom('bot_voice_files').select(['id', 'path']);
    if (ids.voiceIds) files = files.where('voice_id', 'in', ids.voiceIds.length ? ids.voiceIds : ['']);
    if (ids.fileIds) files = files.where('id', 'in', ids.fileIds.length ? ids.fileIds : ['']);
    const paths = (await files.execute()).map((f) => f.path);
    if (ids.voiceIds?.length) await tx.deleteFrom('bot_voices').where('id', 'in', ids.voiceIds).execute();
    if (ids.fileIds?.length) await tx.deleteFrom('bot_voice_files').where('id', 'in', ids.fileIds).execute();
    hooks.afterCommit(async () => {
      for (const relative of paths) await rm(privateMediaFile(settings, relative), { force: true });
    });
  });
}
