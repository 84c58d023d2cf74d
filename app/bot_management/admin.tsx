import { createdAt, relation } from '../core/admin/fields.js';
import { ActionError } from '../core/admin/types.js';
import type { AdminAction, AdminField, AdminResource, Choice, Text } from '../core/admin/types.js';
import { transaction } from '../core/db/transaction.js';
import { PRIVATE_MEDIA_PREFIX } from '../nadooit_ops/private-media.js';
import { PLATFORMS, UPDATE_STATUSES } from './models.js';
import type { PlatformKind } from './models.js';
import { botCode, registeredBotNames } from './registry.js';
import { createBot, createPlatform, deleteVoices, updatePlatformTokens } from './services.js';
import { BROADCAST_TASK } from './tasks.js';
import { deleteWebhook, setWebhook } from './webhooks.js';
import './models.js';

const appLabel = { de: 'Bots', en: 'Bots' };
const ro = { readOnly: true } as const;
const field = (name: string, de: string, en: string, type: AdminField['type'] = 'text', extra: Partial<AdminField> = {}): AdminField => ({ name, label: { de, en }, type, ...extra });
const readOnly = (name: string, de: string, en: string, type: AdminField['type'] = 'text'): AdminField => field(name, de, en, type, ro);
const codeChoices = (): Choice[] => registeredBotNames().map((name) => ({ value: name, label: { de: name, en: name } }));
const codeMissing = { de: 'Code fehlt', en: 'code missing' };

/** A resource staff only read (the bots' own history: inbox, messages, chats…). */
function history(name: string, table: AdminResource['table'], label: Text, labelPlural: Text, fields: AdminField[], list: AdminResource['list'], more: Pick<AdminResource, 'title'> & Partial<AdminResource>): AdminResource {
  return { app: 'bot_management', appLabel, name, table, label, labelPlural, fields, list, allow: { add: false, change: false, delete: true }, ...more };
}

export const botsResource: AdminResource = {
  app: 'bot_management',
  appLabel,
  name: 'bots',
  table: 'bot_bots',
  label: { de: 'Bot', en: 'Bot' },
  labelPlural: { de: 'Bots', en: 'Bots' },
  // A bot whose code is not registered is named so everywhere it appears (its updates are kept, not answered).
  title: { columns: ['name', 'code'], format: (row, language) => `${row.name}${botCode(String(row.code)) ? '' : ` (${codeMissing[language]}: ${row.code})`}` },
  fields: [
    field('name', 'Name', 'Name', 'text', { required: true, maxLength: 100 }),
    field('code', 'Code', 'Code', 'choice', { required: true, choices: codeChoices, help: { de: 'Der registrierte Bot-Code, der die Nachrichten beantwortet.', en: 'The registered bot code that answers the messages.' } }),
    relation('customer_id', { de: 'Kunde', en: 'Customer' }, 'nadooit_crm.customers', 'cascade', { required: true }),
    createdAt(),
  ],
  list: { columns: ['name', 'code', 'customer_id', 'created_at'], search: ['name', 'code', 'customer_id', { field: 'id', mode: 'exact' }], filters: ['code', 'customer_id'], ordering: { field: 'created_at', direction: 'desc' }, sortable: ['name'] },
  inlines: [{ resource: 'bot_management.platforms', field: 'bot_id', limit: 10 }],
  hooks: {
    create: async (ctx, values) => createBot(ctx.tx, { name: String(values.name), code: String(values.code), customerId: String(values.customer_id) }),
  },
  async extra(_db, row, d) {
    const present = !!botCode(String(row.code));
    return (
      <div class={present ? 'alert alert-success' : 'alert alert-danger'} id="bot-code-status" role="status" safe>
        {present ? d.t('bots.code.present') : d.t('bots.code.missing')}
      </div>
    );
  },
};

const platformRows = async (ctx: Parameters<AdminAction['run']>[0], ids: string[]) =>
  ctx.tx.selectFrom('bot_platforms').select(['id', 'platform', 'register_id', 'access_token_enc']).where('id', 'in', ids).execute();

function failure(error: unknown): never {
  throw new ActionError(error instanceof Error ? error.message : String(error));
}

const platformActions: AdminAction[] = [
  {
    name: 'set_tokens',
    label: { de: 'Zugangsdaten setzen', en: 'Set credentials' },
    description: { de: 'Werden verschlüsselt gespeichert und nie wieder angezeigt. Leer lassen = unverändert.', en: 'Stored encrypted and never shown again. Leave blank to keep.' },
    permission: 'change',
    onList: false,
    fields: [
      { name: 'access_token', label: { de: 'Access-Token (Telegram-Bot-Token / WhatsApp)', en: 'Access token (Telegram bot token / WhatsApp)' }, type: 'password' },
      { name: 'app_secret', label: { de: 'App-Secret (nur WhatsApp)', en: 'App secret (WhatsApp only)' }, type: 'password' },
    ],
    async run(ctx, ids, values) {
      for (const id of ids) await updatePlatformTokens(ctx.tx, ctx.context.settings, id, { accessToken: (values.access_token as string) || null, appSecret: (values.app_secret as string) || null });
    },
  },
  {
    name: 'set_webhook',
    label: { de: 'Webhook setzen / Secret erneuern', en: 'Set webhook / rotate secret' },
    description: { de: 'Registriert den Webhook mit einem neuen Secret; das alte gilt sofort nicht mehr.', en: 'Registers the webhook with a new secret; the old one stops working at once.' },
    permission: 'change',
    async run(ctx, ids) {
      const lines: string[] = [];
      for (const platform of await platformRows(ctx, ids)) {
        const { url, secret } = await setWebhook(ctx.tx, ctx.context.settings, platform).catch(failure);
        lines.push(ctx.t('bots.webhook.set', { url }));
        if (platform.platform === 'whatsapp') lines.push(ctx.t('bots.webhook.verify_token', { secret }));
      }
      return { message: lines.join(' ') };
    },
  },
  {
    name: 'delete_webhook',
    label: { de: 'Webhook entfernen', en: 'Delete webhook' },
    permission: 'change',
    destructive: true,
    async run(ctx, ids) {
      for (const platform of await platformRows(ctx, ids)) await deleteWebhook(ctx.tx, ctx.context.settings, platform).catch(failure);
      return { message: ctx.t('bots.webhook.deleted') };
    },
  },
  {
    name: 'check_webhooks',
    label: { de: 'Webhook-Zustand jetzt abfragen', en: 'Check webhook health now' },
    description: { de: 'Sonst alle 5 Minuten durch den Worker.', en: 'Otherwise every 5 minutes by the worker.' },
    permission: 'view',
    async run(ctx) {
      await transaction(ctx.tx, async (tx, hooks) => ctx.context.queue.enqueueWithin(tx, hooks, 'bot_management.check_webhooks', {}));
    },
  },
  {
    name: 'broadcast',
    label: { de: 'Rundsendung', en: 'Broadcast' },
    description: { de: 'An jeden Chat, der dem Bot geschrieben hat; Antworten haben Vorrang.', en: 'To every chat that wrote to the bot; replies go first.' },
    permission: 'change',
    onList: false,
    fields: [{ name: 'text', label: { de: 'Text', en: 'Text' }, type: 'textarea', required: true, maxLength: 4096 }],
    async run(ctx, ids, values) {
      await transaction(ctx.tx, async (tx, hooks) => {
        for (const platformId of ids) {
          await ctx.context.queue.enqueueWithin(tx, hooks, BROADCAST_TASK, { platformId, broadcastId: crypto.randomUUID(), text: String(values.text) });
        }
      });
      return { message: ctx.t('bots.broadcast.queued') };
    },
  },
];

export const platformsResource: AdminResource = {
  app: 'bot_management',
  appLabel,
  name: 'platforms',
  table: 'bot_platforms',
  label: { de: 'Bot-Plattform', en: 'Bot platform' },
  labelPlural: { de: 'Bot-Plattformen', en: 'Bot platforms' },
  title: { columns: ['platform', 'register_id'], format: (row) => `${row.platform} · ${row.register_id}` },
  fields: [
    relation('bot_id', { de: 'Bot', en: 'Bot' }, 'bot_management.bots', 'cascade', { required: true, createOnly: true }),
    field('platform', 'Plattform', 'Platform', 'choice', { required: true, createOnly: true, choices: PLATFORMS.map((p) => ({ value: p, label: { de: p, en: p } })) }),
    readOnly('register_id', 'Register-ID (Webhook-URL)', 'Register id (webhook URL)', 'uuid'),
    field('phone_number', 'Telefonnummer', 'Phone number', 'text', { maxLength: 40 }),
    field('phone_number_id', 'WhatsApp Phone-Number-ID', 'WhatsApp phone number id', 'text', { maxLength: 40 }),
    field('access_token_enc', 'Access-Token', 'Access token', 'text', { sensitive: true, readOnly: true }),
    field('app_secret_enc', 'App-Secret', 'App secret', 'text', { sensitive: true, readOnly: true }),
    field('secret_token_hash', 'Webhook-Secret', 'Webhook secret', 'text', { sensitive: true, readOnly: true }),
    readOnly('webhook_url', 'Webhook-URL', 'Webhook URL'),
    readOnly('webhook_set_at', 'Webhook gesetzt', 'Webhook set', 'datetime'),
    readOnly('webhook_pending_update_count', 'Ausstehende Updates', 'Pending updates', 'integer'),
    readOnly('webhook_last_error_message', 'Letzter Fehler', 'Last error'),
    readOnly('webhook_last_error_at', 'Letzter Fehler am', 'Last error at', 'datetime'),
    readOnly('webhook_checked_at', 'Zustand geprüft', 'Health checked', 'datetime'),
    readOnly('webhook_check_error', 'Prüfung fehlgeschlagen', 'Check failed'),
    readOnly('send_paused_until', 'Senden pausiert bis (Rate-Limit)', 'Sending paused until (rate limit)', 'datetime'),
    createdAt(),
  ],
  list: {
    columns: ['bot_id', 'platform', 'webhook_url', 'webhook_pending_update_count', 'webhook_last_error_message', 'webhook_checked_at'],
    optionalColumns: ['register_id', 'phone_number', 'webhook_check_error', 'send_paused_until'],
    search: ['bot_id', 'phone_number', { field: 'register_id', mode: 'exact' }, { field: 'id', mode: 'exact' }],
    filters: ['platform', 'bot_id'],
    ordering: { field: 'created_at', direction: 'desc' },
  },
  allow: { delete: true },
  actions: platformActions,
  inlines: [{ resource: 'bot_management.updates', field: 'bot_platform_id', limit: 10 }],
  hooks: {
    create: async (ctx, values) =>
      (
        await createPlatform(ctx.tx, ctx.context.settings, {
          botId: String(values.bot_id),
          platform: values.platform as PlatformKind,
          phoneNumber: (values.phone_number as string | null) ?? null,
          phoneNumberId: (values.phone_number_id as string | null) ?? null,
        })
      ).id,
  },
};

const platformRel = relation('bot_platform_id', { de: 'Bot-Plattform', en: 'Bot platform' }, 'bot_management.platforms', 'cascade', ro);
const chatRel = relation('chat_id', { de: 'Chat', en: 'Chat' }, 'bot_management.chats', 'cascade', ro);

export const botResources: AdminResource[] = [
  botsResource,
  platformsResource,
  history(
    'chats',
    'bot_chats',
    { de: 'Chat', en: 'Chat' },
    { de: 'Chats', en: 'Chats' },
    [readOnly('platform', 'Plattform', 'Platform'), readOnly('external_id', 'Chat-ID', 'Chat id'), readOnly('type', 'Typ', 'Type'), readOnly('title', 'Titel', 'Title'), readOnly('first_name', 'Vorname', 'First name'), readOnly('last_name', 'Nachname', 'Last name'), readOnly('username', 'Benutzername', 'Username'), readOnly('all_members_are_administrators', 'Alle Mitglieder Admins', 'All members are admins', 'boolean')],
    { columns: ['platform', 'external_id', 'type', 'title', 'first_name', 'username'], search: ['external_id', 'title', 'first_name', 'last_name', 'username'], filters: ['platform', 'type'], ordering: { field: 'external_id', direction: 'asc' } },
    { title: { columns: ['external_id', 'title', 'first_name'], format: (row) => String(row.title ?? row.first_name ?? row.external_id) }, inlines: [{ resource: 'bot_management.messages', field: 'chat_id', limit: 50, label: { de: 'Verlauf', en: 'History' } }] },
  ),
  history(
    'users',
    'bot_users',
    { de: 'Plattform-Nutzer', en: 'Platform user' },
    { de: 'Plattform-Nutzer', en: 'Platform users' },
    [readOnly('platform', 'Plattform', 'Platform'), readOnly('external_id', 'Nutzer-ID', 'User id'), readOnly('is_bot', 'Bot', 'Bot', 'boolean'), readOnly('first_name', 'Vorname', 'First name'), readOnly('last_name', 'Nachname', 'Last name'), readOnly('username', 'Benutzername', 'Username'), readOnly('language_code', 'Sprache', 'Language')],
    { columns: ['platform', 'external_id', 'first_name', 'last_name', 'username'], search: ['external_id', 'first_name', 'last_name', 'username'], filters: ['platform', 'is_bot'], ordering: { field: 'external_id', direction: 'asc' } },
    { title: { columns: ['external_id', 'first_name', 'username'], format: (row) => String(row.username ?? row.first_name ?? row.external_id) } },
  ),
  history(
    'messages',
    'bot_messages',
    { de: 'Nachricht', en: 'Message' },
    { de: 'Nachrichten', en: 'Messages' },
    [
      platformRel,
      chatRel,
      readOnly('direction', 'Richtung', 'Direction'),
      readOnly('date', 'Datum', 'Date', 'datetime'),
      readOnly('text', 'Text', 'Text', 'textarea'),
      relation('from_user_id', { de: 'Von', en: 'From' }, 'bot_management.users', 'set null', ro),
      relation('voice_id', { de: 'Sprachnachricht', en: 'Voice message' }, 'bot_management.voices', 'set null', ro),
      readOnly('message_id', 'Nachrichten-ID', 'Message id'),
      readOnly('update_id', 'Update-ID', 'Update id', 'integer'),
      readOnly('edited_at', 'Bearbeitet', 'Edited', 'datetime'),
      readOnly('delivery_status', 'Zustellung', 'Delivery'),
      readOnly('parse_mode', 'Parse-Modus', 'Parse mode'),
      readOnly('additional_info', 'Entities', 'Entities', 'json'),
      readOnly('reply_markup', 'Reply-Markup', 'Reply markup', 'json'),
      relation('customer_id', { de: 'Kunde', en: 'Customer' }, 'nadooit_crm.customers', 'cascade', ro),
      createdAt(),
    ],
    { columns: ['date', 'chat_id', 'direction', 'text', 'delivery_status'], search: ['text', 'chat_id', { field: 'message_id', mode: 'exact' }], filters: ['direction', 'bot_platform_id', 'chat_id', 'created_at'], ordering: { field: 'created_at', direction: 'desc' } },
    { title: { columns: ['direction', 'text'], format: (row) => `${row.direction === 'in' ? '←' : '→'} ${String(row.text ?? '').slice(0, 60)}` }, inlines: [{ resource: 'bot_management.photo_messages', field: 'message_id', limit: 5 }] },
  ),
  history(
    'updates',
    'bot_updates',
    { de: 'Eingang (Update)', en: 'Inbox update' },
    { de: 'Eingang (Updates)', en: 'Inbox (updates)' },
    [platformRel, readOnly('update_key', 'Update-Schlüssel', 'Update key'), readOnly('chat_key', 'Chat', 'Chat'), readOnly('kind', 'Art', 'Kind'), field('status', 'Status', 'Status', 'choice', { readOnly: true, choices: UPDATE_STATUSES.map((s) => ({ value: s, label: { de: s, en: s } })) }), readOnly('attempts', 'Versuche', 'Attempts', 'integer'), readOnly('last_error', 'Letzter Fehler', 'Last error', 'textarea'), readOnly('received_at', 'Empfangen', 'Received', 'datetime'), readOnly('processed_at', 'Verarbeitet', 'Processed', 'datetime'), readOnly('payload', 'Update', 'Update', 'json')],
    { columns: ['received_at', 'bot_platform_id', 'kind', 'chat_key', 'status', 'attempts', 'last_error'], search: ['last_error', { field: 'update_key', mode: 'exact' }, { field: 'chat_key', mode: 'exact' }], filters: ['status', 'kind', 'bot_platform_id', 'received_at'], ordering: { field: 'received_at', direction: 'desc' } },
    { title: { columns: ['kind', 'update_key'], format: (row) => `${row.kind} ${row.update_key}` } },
  ),
  history(
    'voices',
    'bot_voices',
    { de: 'Sprachnachricht', en: 'Voice message' },
    { de: 'Sprachnachrichten', en: 'Voice messages' },
    [platformRel, readOnly('duration', 'Dauer (s)', 'Duration (s)', 'integer'), readOnly('mime_type', 'MIME-Typ', 'MIME type'), readOnly('file_size', 'Größe', 'Size', 'integer'), readOnly('transcript', 'Transkript', 'Transcript', 'textarea'), readOnly('file_id', 'Datei-ID', 'File id'), readOnly('file_unique_id', 'Eindeutige Datei-ID', 'Unique file id'), createdAt()],
    { columns: ['created_at', 'bot_platform_id', 'duration', 'transcript'], search: ['transcript', { field: 'file_unique_id', mode: 'exact' }], filters: ['bot_platform_id', 'created_at'], ordering: { field: 'created_at', direction: 'desc' } },
    {
      title: { columns: ['transcript', 'file_unique_id'], format: (row) => String(row.transcript ?? row.file_unique_id).slice(0, 60) },
      inlines: [{ resource: 'bot_management.voice_files', field: 'voice_id', limit: 1 }],
      hooks: { delete: (ctx, ids) => deleteVoices(ctx.tx, ctx.context.settings, { voiceIds: ids }) },
    },
  ),
  history(
    'voice_files',
    'bot_voice_files',
    { de: 'Sprachdatei', en: 'Voice file' },
    { de: 'Sprachdateien', en: 'Voice files' },
    [relation('voice_id', { de: 'Sprachnachricht', en: 'Voice message' }, 'bot_management.voices', 'cascade', ro), readOnly('path', 'Datei (privat)', 'File (private)'), createdAt()],
    { columns: ['created_at', 'voice_id', 'path'], search: [{ field: 'path', mode: 'exact' }], filters: ['created_at'], ordering: { field: 'created_at', direction: 'desc' } },
    {
      title: { columns: ['path'] },
      hooks: { delete: (ctx, ids) => deleteVoices(ctx.tx, ctx.context.settings, { fileIds: ids }) },
      async extra(_db, row) {
        const href = `${PRIVATE_MEDIA_PREFIX}${String(row.path)}`;
        return (
          <p>
            <audio controls="" preload="none" src={href}></audio> <a href={href} safe>{String(row.path)}</a>
          </p>
        );
      },
    },
  ),
  history(
    'photo_messages',
    'bot_photo_messages',
    { de: 'Foto-Nachricht', en: 'Photo message' },
    { de: 'Foto-Nachrichten', en: 'Photo messages' },
    [relation('message_id', { de: 'Nachricht', en: 'Message' }, 'bot_management.messages', 'cascade', ro), readOnly('caption', 'Bildunterschrift', 'Caption', 'textarea'), createdAt()],
    { columns: ['created_at', 'message_id', 'caption'], search: ['caption'], filters: ['created_at'], ordering: { field: 'created_at', direction: 'desc' } },
    { title: { columns: ['caption'], format: (row) => String(row.caption ?? '').slice(0, 60) }, inlines: [{ resource: 'bot_management.telegram_photos', field: 'photo_message_id', limit: 10 }] },
  ),
  history(
    'telegram_photos',
    'bot_telegram_photos',
    { de: 'Telegram-Foto', en: 'Telegram photo' },
    { de: 'Telegram-Fotos', en: 'Telegram photos' },
    [relation('photo_message_id', { de: 'Foto-Nachricht', en: 'Photo message' }, 'bot_management.photo_messages', 'cascade', ro), readOnly('file_id', 'Datei-ID', 'File id'), readOnly('file_unique_id', 'Eindeutige Datei-ID', 'Unique file id'), readOnly('file_size', 'Größe', 'Size', 'integer'), readOnly('width', 'Breite', 'Width', 'integer'), readOnly('height', 'Höhe', 'Height', 'integer')],
    { columns: ['photo_message_id', 'width', 'height', 'file_size'], search: [{ field: 'file_unique_id', mode: 'exact' }], filters: [], ordering: { field: 'id', direction: 'asc' } },
    { title: { columns: ['width', 'height'], format: (row) => `${row.width}×${row.height}` } },
  ),
  history(
    'dialogues',
    'bot_dialogues',
    { de: 'Dialogzustand', en: 'Dialogue state' },
    { de: 'Dialogzustände', en: 'Dialogue states' },
    [platformRel, chatRel, readOnly('state', 'Zustand', 'State'), readOnly('data', 'Daten', 'Data', 'json'), readOnly('updated_at', 'Geändert', 'Changed', 'datetime')],
    { columns: ['updated_at', 'bot_platform_id', 'chat_id', 'state'], search: [{ field: 'state', mode: 'exact' }], filters: ['state', 'bot_platform_id'], ordering: { field: 'updated_at', direction: 'desc' } },
    { title: { columns: ['state'], format: (row) => String(row.state ?? '—') } },
  ),
  history(
    'outbound',
    'bot_outbound',
    { de: 'Ausgehender Aufruf', en: 'Outbound call' },
    { de: 'Ausgehende Aufrufe', en: 'Outbound calls' },
    [platformRel, readOnly('method', 'Methode', 'Method'), readOnly('status', 'Status', 'Status'), readOnly('idempotency_key', 'Schlüssel', 'Key'), relation('update_row_id', { de: 'Update', en: 'Update' }, 'bot_management.updates', 'cascade', ro), readOnly('result', 'Ergebnis', 'Result', 'json'), createdAt(), readOnly('sent_at', 'Gesendet', 'Sent', 'datetime')],
    { columns: ['created_at', 'bot_platform_id', 'method', 'status', 'sent_at'], search: [{ field: 'idempotency_key', mode: 'exact' }], filters: ['status', 'method', 'bot_platform_id', 'created_at'], ordering: { field: 'created_at', direction: 'desc' } },
    { title: { columns: ['method', 'idempotency_key'], format: (row) => `${row.method} ${row.idempotency_key}` } },
  ),
  history(
    'advertisements',
    'bot_advertisements',
    { de: 'Anzeige', en: 'Advertisement' },
    { de: 'Anzeigen', en: 'Advertisements' },
    [relation('bot_platform_id', { de: 'Bot-Plattform', en: 'Bot platform' }, 'bot_management.platforms', 'set null', ro), readOnly('text', 'Text', 'Text', 'textarea'), readOnly('item', 'Artikel', 'Item', 'json'), createdAt()],
    { columns: ['created_at', 'bot_platform_id', 'text'], search: ['text'], filters: ['created_at'], ordering: { field: 'created_at', direction: 'desc' } },
    { title: { columns: ['text'], format: (row) => String(row.text).slice(0, 60) } },
  ),
];
