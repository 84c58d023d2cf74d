import { randomUUID } from 'node:crypto';
import type { CreateTableBuilder } from 'kysely';
import type { ColumnTypes } from '../../core/db/dialects/columns.js';
import type { Migration } from '../../core/db/migrator.js';
import { DEFAULT_CATEGORIES, SIGNAL_OPTION_TYPES } from '../models.js';

/** One table per step (CockroachDB runs schema changes outside transactions, one at a time). */
export function table(name: string, step: string, build: (t: CreateTableBuilder<string, never>, c: ColumnTypes) => CreateTableBuilder<string, never>): Migration {
  return {
    name: step,
    async up(db, { columns: c }) {
      await build(db.schema.createTable(name).addColumn('id', c.uuid, (col) => col.primaryKey()), c).execute();
    },
  };
}

export function index(step: string, name: string, on: string, columns: string[], unique = false): Migration {
  return {
    name: step,
    async up(db) {
      let builder = db.schema.createIndex(name).on(on).columns(columns);
      if (unique) builder = builder.unique();
      await builder.execute();
    },
  };
}

const ref = (target: string, onDelete: 'cascade' | 'set null') => (col: any) => col.references(`${target}.id`).onDelete(onDelete);

export const websiteMigrations: Migration[] = [
  table('web_categories', '0001_categories', (t, c) =>
    t.addColumn('name', 'text', (col) => col.notNull()).addColumn('created_at', c.timestamp, (col) => col.notNull()),
  ),
  index('0002_categories_name', 'web_categories_name_uq', 'web_categories', ['name'], true),
  table('web_signal_options', '0003_signal_options', (t, c) =>
    t.addColumn('signal_type', 'text', (col) => col.notNull()).addColumn('created_at', c.timestamp, (col) => col.notNull()),
  ),
  table('web_sections', '0004_sections', (t, c) =>
    t
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('html', 'text', (col) => col.notNull())
      .addColumn('video_id', c.uuid)
      .addColumn('file_id', c.uuid)
      .addColumn('is_greeting', c.boolean, (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull()),
  ),
  index('0005_sections_name', 'web_sections_name_idx', 'web_sections', ['name']),
  table('web_section_categories', '0006_section_categories', (t, c) =>
    t
      .addColumn('section_id', c.uuid, (col) => ref('web_sections', 'cascade')(col.notNull()))
      .addColumn('category_id', c.uuid, (col) => ref('web_categories', 'cascade')(col.notNull())),
  ),
  index('0007_section_categories_uq', 'web_section_categories_uq', 'web_section_categories', ['section_id', 'category_id'], true),
  table('web_section_signal_options', '0008_section_signal_options', (t, c) =>
    t
      .addColumn('section_id', c.uuid, (col) => ref('web_sections', 'cascade')(col.notNull()))
      .addColumn('signal_option_id', c.uuid, (col) => ref('web_signal_options', 'cascade')(col.notNull())),
  ),
  index('0009_section_signal_options_uq', 'web_section_signal_options_uq', 'web_section_signal_options', ['section_id', 'signal_option_id'], true),
  table('web_plugins', '0010_plugins', (t, c) =>
    t
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('html', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull()),
  ),
  table('web_section_orders', '0011_section_orders', (t, c) =>
    t
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('is_active', c.boolean, (col) => col.notNull())
      .addColumn('system_key', 'text')
      .addColumn('parent_order_id', c.uuid, (col) => ref('web_section_orders', 'set null')(col))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull()),
  ),
  index('0012_section_orders_key', 'web_section_orders_system_key_uq', 'web_section_orders', ['system_key'], true),
  table('web_order_sections', '0013_order_sections', (t, c) =>
    t
      .addColumn('order_id', c.uuid, (col) => ref('web_section_orders', 'cascade')(col.notNull()))
      .addColumn('section_id', c.uuid, (col) => ref('web_sections', 'cascade')(col.notNull()))
      .addColumn('position', c.integer, (col) => col.notNull()),
  ),
  index('0014_order_sections_order', 'web_order_sections_order_idx', 'web_order_sections', ['order_id', 'position']),
  index('0015_order_sections_section', 'web_order_sections_section_idx', 'web_order_sections', ['section_id']),
  table('web_order_plugins', '0016_order_plugins', (t, c) =>
    t
      .addColumn('order_id', c.uuid, (col) => ref('web_section_orders', 'cascade')(col.notNull()))
      .addColumn('plugin_id', c.uuid, (col) => ref('web_plugins', 'cascade')(col.notNull()))
      .addColumn('position', c.integer, (col) => col.notNull()),
  ),
  index('0017_order_plugins_order', 'web_order_plugins_order_idx', 'web_order_plugins', ['order_id', 'position']),
  table('web_section_scores', '0018_section_scores', (t, c) =>
    t
      .addColumn('section_id', c.uuid, (col) => ref('web_sections', 'cascade')(col.notNull()))
      .addColumn('score', c.bigint, (col) => col.notNull())
      .addColumn('experiment_group', c.integer, (col) => col.notNull()),
  ),
  index('0019_section_scores_uq', 'web_section_scores_section_uq', 'web_section_scores', ['section_id'], true),
  table('web_visits', '0020_visits', (t, c) =>
    t.addColumn('site', 'text', (col) => col.notNull()).addColumn('visit_date', c.timestamp, (col) => col.notNull()),
  ),
  index('0021_visits_date', 'web_visits_date_idx', 'web_visits', ['visit_date']),
  table('web_experiment_groups', '0022_experiment_groups', (t, c) =>
    t
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('section_order_id', c.uuid, (col) => ref('web_section_orders', 'cascade')(col))
      .addColumn('successful_sessions', c.integer, (col) => col.notNull())
      .addColumn('total_sessions', c.integer, (col) => col.notNull()),
  ),
  table('web_sessions', '0023_sessions', (t, c) =>
    t
      .addColumn('order_id', c.uuid, (col) => ref('web_section_orders', 'cascade')(col.notNull()))
      .addColumn('visit_id', c.uuid, (col) => ref('web_visits', 'set null')(col))
      .addColumn('started_at', c.timestamp, (col) => col.notNull())
      .addColumn('duration_seconds', c.integer, (col) => col.notNull())
      .addColumn('total_interaction_ms', c.bigint, (col) => col.notNull())
      .addColumn('score', c.bigint, (col) => col.notNull())
      .addColumn('is_bot', c.boolean, (col) => col.notNull())
      .addColumn('experiment_group_id', c.uuid, (col) => ref('web_experiment_groups', 'set null')(col))
      .addColumn('category', 'text', (col) => col.notNull())
      .addColumn('variant', 'text', (col) => col.notNull())
      .addColumn('assignment_ppm', c.integer, (col) => col.notNull())
      .addColumn('ip_hash', 'text'),
  ),
  index('0024_sessions_order', 'web_sessions_order_idx', 'web_sessions', ['order_id', 'started_at']),
  index('0025_sessions_started', 'web_sessions_started_idx', 'web_sessions', ['started_at', 'id']),
  table('web_session_signals', '0026_session_signals', (t, c) =>
    t
      .addColumn('session_id', c.uuid, (col) => ref('web_sessions', 'cascade')(col.notNull()))
      .addColumn('section_id', c.uuid, (col) => ref('web_sections', 'cascade')(col.notNull()))
      .addColumn('signal_type', 'text', (col) => col.notNull())
      .addColumn('once_key', 'text')
      .addColumn('created_at', c.timestamp, (col) => col.notNull()),
  ),
  index('0027_session_signals_session', 'web_session_signals_session_idx', 'web_session_signals', ['session_id', 'created_at']),
  index('0028_session_signals_once', 'web_session_signals_once_uq', 'web_session_signals', ['once_key'], true),
  index('0029_session_signals_section', 'web_session_signals_section_idx', 'web_session_signals', ['section_id']),
  table('web_session_votes', '0030_session_votes', (t, c) =>
    t
      .addColumn('session_id', c.uuid, (col) => ref('web_sessions', 'cascade')(col.notNull()))
      .addColumn('section_id', c.uuid, (col) => ref('web_sections', 'cascade')(col.notNull()))
      .addColumn('vote', c.integer, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull()),
  ),
  index('0031_session_votes_uq', 'web_session_votes_uq', 'web_session_votes', ['session_id', 'section_id'], true),
  table('web_session_shown_sections', '0032_session_shown_sections', (t, c) =>
    t
      .addColumn('session_id', c.uuid, (col) => ref('web_sessions', 'cascade')(col.notNull()))
      .addColumn('section_id', c.uuid, (col) => ref('web_sections', 'cascade')(col.notNull()))
      .addColumn('created_at', c.timestamp, (col) => col.notNull()),
  ),
  index('0033_session_shown_uq', 'web_session_shown_sections_uq', 'web_session_shown_sections', ['session_id', 'section_id'], true),
  table('web_section_transitions', '0034_section_transitions', (t, c) =>
    t
      .addColumn('section_1_id', c.uuid, (col) => col.notNull())
      .addColumn('section_2_id', c.uuid, (col) => col.notNull())
      .addColumn('transition_percentage', c.integer, (col) => col.notNull()),
  ),
  {
    name: '0035_default_categories_and_signal_options',
    async up(db) {
      const now = new Date().toISOString();
      const categories = await db.selectFrom('web_categories').select('name').execute();
      const have = new Set(categories.map((r) => r.name));
      for (const name of DEFAULT_CATEGORIES) {
        if (!have.has(name)) await db.insertInto('web_categories').values({ id: randomUUID(), name, created_at: now }).execute();
      }
      const options = await db.selectFrom('web_signal_options').select('signal_type').execute();
      const haveOptions = new Set<string>(options.map((r) => r.signal_type));
      for (const signal_type of SIGNAL_OPTION_TYPES) {
        if (!haveOptions.has(signal_type)) await db.insertInto('web_signal_options').values({ id: randomUUID(), signal_type, created_at: now }).execute();
      }
    },
  },
];
