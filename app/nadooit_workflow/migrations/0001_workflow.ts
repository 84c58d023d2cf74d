import type { Migration } from '../../core/db/migrator.js';

export const createTransitions: Migration = {
  name: '0001_transitions',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('wf_transitions')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('machine', 'text', (col) => col.notNull())
      .addColumn('subject_id', c.uuid, (col) => col.notNull())
      .addColumn('event', 'text', (col) => col.notNull())
      .addColumn('from_state', 'text')
      .addColumn('to_state', 'text', (col) => col.notNull())
      .addColumn('actor_user_id', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('note', 'text')
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const transitionSubjectIndex: Migration = {
  name: '0002_transition_subject_index',
  async up(db) {
    await db.schema.createIndex('wf_transitions_subject_idx').on('wf_transitions').columns(['subject_id', 'created_at']).execute();
  },
};

export const createProcesses: Migration = {
  name: '0003_processes',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('wf_processes')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('customer_id', c.uuid, (col) => col.notNull().references('crm_customers.id').onDelete('cascade'))
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('description', 'text', (col) => col.notNull())
      .addColumn('trigger_process_id', c.uuid, (col) => col.references('wf_processes.id').onDelete('set null'))
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const processCustomerIndex: Migration = {
  name: '0004_process_customer_index',
  async up(db) {
    await db.schema.createIndex('wf_processes_customer_idx').on('wf_processes').columns(['customer_id', 'name']).execute();
  },
};

export const createProcessPrograms: Migration = {
  name: '0005_process_programs',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('wf_process_programs')
      .addColumn('process_id', c.uuid, (col) => col.notNull().references('wf_processes.id').onDelete('cascade'))
      .addColumn('program_id', c.uuid, (col) => col.notNull().references('program_programs.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('wf_process_programs_pk', ['process_id', 'program_id'])
      .execute();
  },
};

export const createProcessTriggers: Migration = {
  name: '0006_process_triggers',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('wf_process_triggers')
      .addColumn('process_id', c.uuid, (col) => col.notNull().references('wf_processes.id').onDelete('cascade'))
      .addColumn('triggered_process_id', c.uuid, (col) => col.notNull().references('wf_processes.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('wf_process_triggers_pk', ['process_id', 'triggered_process_id'])
      .execute();
  },
};

export const workflowMigrations: Migration[] = [
  createTransitions,
  transitionSubjectIndex,
  createProcesses,
  processCustomerIndex,
  createProcessPrograms,
  createProcessTriggers,
];
