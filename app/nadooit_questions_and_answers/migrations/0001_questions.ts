import type { Migration } from '../../core/db/migrator.js';

export const questionMigrations: Migration[] = [
  {
    name: '0001_questions',
    async up(db, { columns: c }) {
      await db.schema
        .createTable('qa_questions')
        .addColumn('id', c.uuid, (col) => col.primaryKey())
        .addColumn('session_id', c.uuid, (col) => col.references('web_sessions.id').onDelete('set null'))
        .addColumn('question', 'text', (col) => col.notNull())
        .addColumn('answer', 'text')
        .addColumn('is_published', c.boolean, (col) => col.notNull())
        .addColumn('answered_by_user_id', c.uuid, (col) => col.references('users.id').onDelete('set null'))
        .addColumn('answered_at', c.timestamp)
        .addColumn('created_at', c.timestamp, (col) => col.notNull())
        .addColumn('updated_at', c.timestamp, (col) => col.notNull())
        .execute();
    },
  },
  {
    name: '0002_questions_published_index',
    async up(db) {
      await db.schema.createIndex('qa_questions_published_idx').on('qa_questions').columns(['is_published', 'answered_at']).execute();
    },
  },
  {
    name: '0003_questions_session_index',
    async up(db) {
      await db.schema.createIndex('qa_questions_session_idx').on('qa_questions').column('session_id').execute();
    },
  },
];
