import type { Migration } from '../../core/db/migrator.js';

/** Bots and their platforms (one table per step: CockroachDB runs one schema change at a time). */
export const botMigrations: Migration[] = [
  {
    name: '0001_bots',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('bot_bots')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('code', 'text', (col) => col.notNull())
        .addColumn('customer_id', c.uuid, (col) => col.notNull().references('crm_customers.id').onDelete('cascade'))
        .addColumn('created_at', c.timestamp, (col) => col.notNull())
        .addUniqueConstraint('bot_bots_name_key', ['name'])
        .execute();
    },
  },
  {
    name: '0002_bot_platforms',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('bot_platforms')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('bot_id', c.uuid, (col) => col.notNull().references('bot_bots.id').onDelete('cascade'))
        .addColumn('platform', 'text', (col) => col.notNull())
        .addColumn('register_id', c.uuid, (col) => col.notNull())
        .addColumn('access_token_enc', 'text')
        .addColumn('app_secret_enc', 'text')
        .addColumn('secret_token_hash', 'text')
        .addColumn('phone_number', 'text')
        .addColumn('phone_number_id', 'text')
        .addColumn('send_paused_until', c.timestamp)
        .addColumn('webhook_url', 'text')
        .addColumn('webhook_set_at', c.timestamp)
        .addColumn('webhook_pending_update_count', c.integer)
        .addColumn('webhook_last_error_message', 'text')
        .addColumn('webhook_last_error_at', c.timestamp)
        .addColumn('webhook_checked_at', c.timestamp)
        .addColumn('webhook_check_error', 'text')
        .addColumn('created_at', c.timestamp, (col) => col.notNull())
        .addUniqueConstraint('bot_platforms_register_id_key', ['register_id'])
        .execute();
    },
  },
  {
    name: '0003_bot_users',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('bot_users')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('platform', 'text', (col) => col.notNull())
        .addColumn('external_id', 'text', (col) => col.notNull())
        .addColumn('is_bot', c.boolean, (col) => col.notNull())
        .addColumn('first_name', 'text')
        .addColumn('last_name', 'text')
        .addColumn('username', 'text')
        .addColumn('language_code', 'text')
        .addUniqueConstraint('bot_users_external_key', ['platform', 'external_id'])
        .execute();
    },
  },
  {
    name: '0004_bot_chats',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('bot_chats')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('platform', 'text', (col) => col.notNull())
        .addColumn('external_id', 'text', (col) => col.notNull())
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('title', 'text')
        .addColumn('first_name', 'text')
        .addColumn('last_name', 'text')
        .addColumn('username', 'text')
        .addColumn('all_members_are_administrators', c.boolean, (col) => col.notNull())
        .addUniqueConstraint('bot_chats_external_key', ['platform', 'external_id'])
        .execute();
    },
  },
  {
    name: '0005_bot_updates',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('bot_updates')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('bot_platform_id', c.uuid, (col) => col.notNull().references('bot_platforms.id').onDelete('cascade'))
        .addColumn('update_key', 'text', (col) => col.notNull())
        .addColumn('chat_key', 'text')
        .addColumn('sort_key', c.bigint, (col) => col.notNull())
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('payload', c.json, (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('attempts', c.integer, (col) => col.notNull())
        .addColumn('last_error', 'text')
        .addColumn('received_at', c.timestamp, (col) => col.notNull())
        .addColumn('processed_at', c.timestamp)
        .addUniqueConstraint('bot_updates_key', ['bot_platform_id', 'update_key'])
        .execute();
    },
  },
  {
    name: '0006_bot_updates_chat_index',
    async up(db) {
      await db.schema
        .createIndex('bot_updates_chat_idx')
        .on('bot_updates')
        .columns(['bot_platform_id', 'chat_key', 'status', 'sort_key'])
        .execute();
    },
  },
  {
    name: '0007_bot_updates_status_index',
    async up(db) {
      await db.schema.createIndex('bot_updates_status_idx').on('bot_updates').columns(['status', 'received_at']).execute();
    },
  },
  {
    name: '0008_bot_chat_leases',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('bot_chat_leases')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('bot_platform_id', c.uuid, (col) => col.notNull().references('bot_platforms.id').onDelete('cascade'))
        .addColumn('chat_key', 'text', (col) => col.notNull())
        .addColumn('owner', 'text')
        .addColumn('lease_until', c.timestamp)
        .addUniqueConstraint('bot_chat_leases_key', ['bot_platform_id', 'chat_key'])
        .execute();
    },
  },
  {
    name: '0009_bot_voices',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('bot_voices')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('bot_platform_id', c.uuid, (col) => col.notNull().references('bot_platforms.id').onDelete('cascade'))
        .addColumn('file_id', 'text', (col) => col.notNull())
        .addColumn('file_unique_id', 'text', (col) => col.notNull())
        .addColumn('duration', c.integer)
        .addColumn('mime_type', 'text')
        .addColumn('file_size', c.integer)
        .addColumn('transcript', 'text')
        .addColumn('created_at', c.timestamp, (col) => col.notNull())
        .addUniqueConstraint('bot_voices_file_key', ['bot_platform_id', 'file_unique_id'])
        .execute();
    },
  },
  {
    name: '0010_bot_voice_files',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('bot_voice_files')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('voice_id', c.uuid, (col) => col.notNull().references('bot_voices.id').onDelete('cascade'))
        .addColumn('path', 'text', (col) => col.notNull())
        .addColumn('created_at', c.timestamp, (col) => col.notNull())
        .addUniqueConstraint('bot_voice_files_voice_key', ['voice_id'])
        .execute();
    },
  },
  {
    name: '0011_bot_messages',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('bot_messages')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('bot_platform_id', c.uuid, (col) => col.notNull().references('bot_platforms.id').onDelete('cascade'))
        .addColumn('customer_id', c.uuid, (col) => col.notNull().references('crm_customers.id').onDelete('cascade'))
        .addColumn('update_row_id', c.uuid, (col) => col.references('bot_updates.id').onDelete('set null'))
        .addColumn('update_id', c.bigint)
        .addColumn('message_id', 'text', (col) => col.notNull())
        .addColumn('chat_id', c.uuid, (col) => col.notNull().references('bot_chats.id').onDelete('cascade'))
        .addColumn('from_user_id', c.uuid, (col) => col.references('bot_users.id').onDelete('set null'))
        .addColumn('direction', 'text', (col) => col.notNull())
        .addColumn('text', 'text')
        .addColumn('voice_id', c.uuid, (col) => col.references('bot_voices.id').onDelete('set null'))
        .addColumn('date', c.timestamp, (col) => col.notNull())
        .addColumn('edited_at', c.timestamp)
        .addColumn('additional_info', c.json)
        .addColumn('reply_markup', c.json)
        .addColumn('parse_mode', 'text')
        .addColumn('delivery_status', 'text')
        .addColumn('delivery_rank', c.integer, (col) => col.notNull())
        .addColumn('created_at', c.timestamp, (col) => col.notNull())
        .addUniqueConstraint('bot_messages_key', ['bot_platform_id', 'chat_id', 'message_id'])
        .execute();
    },
  },
  {
    name: '0012_bot_messages_chat_index',
    async up(db) {
      await db.schema.createIndex('bot_messages_chat_idx').on('bot_messages').columns(['chat_id', 'date', 'id']).execute();
    },
  },
  {
    name: '0013_bot_photo_messages',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('bot_photo_messages')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('message_id', c.uuid, (col) => col.notNull().references('bot_messages.id').onDelete('cascade'))
        .addColumn('caption', 'text')
        .addColumn('created_at', c.timestamp, (col) => col.notNull())
        .addUniqueConstraint('bot_photo_messages_message_key', ['message_id'])
        .execute();
    },
  },
  {
    name: '0014_bot_telegram_photos',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('bot_telegram_photos')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('photo_message_id', c.uuid, (col) => col.notNull().references('bot_photo_messages.id').onDelete('cascade'))
        .addColumn('file_id', 'text')
        .addColumn('file_unique_id', 'text')
        .addColumn('file_size', c.integer)
        .addColumn('width', c.integer)
        .addColumn('height', c.integer)
        .execute();
    },
  },
  {
    name: '0015_bot_outbound',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('bot_outbound')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('bot_platform_id', c.uuid, (col) => col.notNull().references('bot_platforms.id').onDelete('cascade'))
        .addColumn('idempotency_key', 'text', (col) => col.notNull())
        .addColumn('update_row_id', c.uuid, (col) => col.references('bot_updates.id').onDelete('cascade'))
        .addColumn('method', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('result', c.json)
        .addColumn('created_at', c.timestamp, (col) => col.notNull())
        .addColumn('sent_at', c.timestamp)
        .addUniqueConstraint('bot_outbound_key', ['bot_platform_id', 'idempotency_key'])
        .execute();
    },
  },
  {
    name: '0016_bot_dialogues',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('bot_dialogues')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('bot_platform_id', c.uuid, (col) => col.notNull().references('bot_platforms.id').onDelete('cascade'))
        .addColumn('chat_id', c.uuid, (col) => col.notNull().references('bot_chats.id').onDelete('cascade'))
        .addColumn('state', 'text')
        .addColumn('data', c.json, (col) => col.notNull())
        .addColumn('updated_at', c.timestamp, (col) => col.notNull())
        .addUniqueConstraint('bot_dialogues_chat_key', ['bot_platform_id', 'chat_id'])
        .execute();
    },
  },
  {
    name: '0017_bot_advertisements',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('bot_advertisements')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('bot_platform_id', c.uuid, (col) => col.references('bot_platforms.id').onDelete('set null'))
        .addColumn('item', c.json, (col) => col.notNull())
        .addColumn('text', 'text', (col) => col.notNull())
        .addColumn('created_at', c.timestamp, (col) => col.notNull())
        .execute();
    },
  },
  {
    name: '0018_bot_advertisement_messages',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('bot_advertisement_messages')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('advertisement_id', c.uuid, (col) => col.notNull().references('bot_advertisements.id').onDelete('cascade'))
        .addColumn('message_id', c.uuid, (col) => col.notNull().references('bot_messages.id').onDelete('cascade'))
        .addUniqueConstraint('bot_advertisement_messages_key', ['advertisement_id', 'message_id'])
        .execute();
    },
  },
];
