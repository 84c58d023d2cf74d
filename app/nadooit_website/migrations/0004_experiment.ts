import type { Migration } from '../../core/db/migrator.js';
import { index, table } from './0001_website.js';

const ref = (target: string, onDelete: 'cascade' | 'set null') => (col: any) => col.references(`${target}.id`).onDelete(onDelete);

/** The experiment over section orders: experiments, their scheduled allocations, and session conversions. */
export const experimentMigrations: Migration[] = [
  table('web_experiments', '0042_experiments', (t, c) =>
    t
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('goal', 'text', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('min_sessions', c.integer, (col) => col.notNull())
      .addColumn('floor_percent', c.integer, (col) => col.notNull())
      .addColumn('current_allocation_id', c.uuid)
      .addColumn('winner_order_id', c.uuid, (col) => ref('web_section_orders', 'set null')(col))
      .addColumn('started_at', c.timestamp, (col) => col.notNull())
      .addColumn('ended_at', c.timestamp)
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull()),
  ),
  index('0043_experiments_status', 'web_experiments_status_idx', 'web_experiments', ['status']),
  table('web_experiment_allocations', '0044_experiment_allocations', (t, c) =>
    t
      .addColumn('experiment_id', c.uuid, (col) => ref('web_experiments', 'cascade')(col.notNull()))
      .addColumn('computed_at', c.timestamp, (col) => col.notNull())
      .addColumn('phase', 'text', (col) => col.notNull())
      .addColumn('winner_order_id', c.uuid, (col) => ref('web_section_orders', 'set null')(col))
      .addColumn('srm_p_ppm', c.integer)
      .addColumn('srm_mismatch', c.boolean, (col) => col.notNull()),
  ),
  index('0045_experiment_allocations_time', 'web_experiment_allocations_time_idx', 'web_experiment_allocations', ['experiment_id', 'computed_at']),
  table('web_experiment_arms', '0046_experiment_arms', (t, c) =>
    t
      .addColumn('allocation_id', c.uuid, (col) => ref('web_experiment_allocations', 'cascade')(col.notNull()))
      .addColumn('order_id', c.uuid, (col) => ref('web_section_orders', 'cascade')(col.notNull()))
      .addColumn('share_ppm', c.integer, (col) => col.notNull())
      .addColumn('sessions', c.integer, (col) => col.notNull())
      .addColumn('conversions', c.integer, (col) => col.notNull())
      .addColumn('secondary_conversions', c.integer, (col) => col.notNull())
      .addColumn('rate_ppm', c.integer, (col) => col.notNull())
      .addColumn('low_ppm', c.integer, (col) => col.notNull())
      .addColumn('high_ppm', c.integer, (col) => col.notNull())
      .addColumn('probability_best_ppm', c.integer, (col) => col.notNull()),
  ),
  index('0047_experiment_arms_allocation', 'web_experiment_arms_allocation_uq', 'web_experiment_arms', ['allocation_id', 'order_id'], true),
  index('0048_experiment_arms_order', 'web_experiment_arms_order_idx', 'web_experiment_arms', ['order_id']),
  table('web_session_conversions', '0049_session_conversions', (t, c) =>
    t
      .addColumn('session_id', c.uuid, (col) => ref('web_sessions', 'cascade')(col.notNull()))
      .addColumn('goal', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull()),
  ),
  index('0050_session_conversions_uq', 'web_session_conversions_uq', 'web_session_conversions', ['session_id', 'goal'], true),
  {
    // A plain id (no foreign key): results count a session by the order it was shown first, even after
    // endless scroll re-pointed order_id; a deleted order simply drops out of the results.
    name: '0051_sessions_assigned_order',
    async up(db, { columns: c }) {
      await db.schema.alterTable('web_sessions').addColumn('assigned_order_id', c.uuid).execute();
    },
  },
  {
    name: '0052_sessions_allocation',
    async up(db, { columns: c }) {
      await db.schema.alterTable('web_sessions').addColumn('allocation_id', c.uuid).execute();
    },
  },
  index('0053_sessions_assigned_order', 'web_sessions_assigned_order_idx', 'web_sessions', ['assigned_order_id', 'started_at']),
  index('0054_sessions_allocation', 'web_sessions_allocation_idx', 'web_sessions', ['allocation_id']),
  {
    // The interaction time a mouseleave signal added (as counted, capped by the session's age), so the
    // statistics can rank sections by the time visitors spent on them.
    name: '0055_session_signals_value',
    async up(db, { columns: c }) {
      await db.schema.alterTable('web_session_signals').addColumn('value_ms', c.integer).execute();
    },
  },
  index('0056_session_signals_time', 'web_session_signals_time_idx', 'web_session_signals', ['created_at']),
];
