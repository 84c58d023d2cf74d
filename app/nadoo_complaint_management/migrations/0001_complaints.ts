import { sql } from 'kysely';
import type { Migration } from '../../core/db/migrator.js';

export const createComplaints: Migration = {
  name: '0001_complaints',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('cm_complaints')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('execution_id', c.uuid, (col) => col.references('ex_executions.id').onDelete('set null'))
      .addColumn('customer_id', c.uuid, (col) => col.references('crm_customers.id').onDelete('set null'))
      .addColumn('author_user_id', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('text', 'text', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('OPEN', 'IN_PROGRESS', 'ACCEPTED', 'REJECTED')`))
      .addColumn('resolution_note', 'text')
      .addColumn('resolved_by_user_id', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('resolved_at', c.timestamp)
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .addColumn('updated_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const complaintCustomerIndex: Migration = {
  name: '0002_complaint_customer_index',
  async up(db) {
    await db.schema.createIndex('cm_complaints_customer_idx').on('cm_complaints').columns(['customer_id', 'created_at', 'id']).execute();
  },
};

export const complaintExecutionIndex: Migration = {
  name: '0003_complaint_execution_index',
  async up(db) {
    await db.schema.createIndex('cm_complaints_execution_idx').on('cm_complaints').column('execution_id').execute();
  },
};

export const complaintStatusIndex: Migration = {
  name: '0004_complaint_status_index',
  async up(db) {
    await db.schema.createIndex('cm_complaints_status_idx').on('cm_complaints').columns(['status', 'created_at']).execute();
  },
};

export const createComments: Migration = {
  name: '0005_complaint_comments',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('cm_complaint_comments')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('complaint_id', c.uuid, (col) => col.notNull().references('cm_complaints.id').onDelete('cascade'))
      .addColumn('author_user_id', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('text', 'text', (col) => col.notNull())
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const commentIndex: Migration = {
  name: '0006_complaint_comment_index',
  async up(db) {
    await db.schema.createIndex('cm_complaint_comments_complaint_idx').on('cm_complaint_comments').columns(['complaint_id', 'created_at']).execute();
  },
};

export const createEvents: Migration = {
  name: '0007_complaint_events',
  async up(db, { columns: c }) {
    await db.schema
      .createTable('cm_complaint_events')
      .addColumn('id', c.uuid, (col) => col.primaryKey())
      .addColumn('complaint_id', c.uuid, (col) => col.notNull().references('cm_complaints.id').onDelete('cascade'))
      .addColumn('actor_user_id', c.uuid, (col) => col.references('users.id').onDelete('set null'))
      .addColumn('from_status', 'text')
      .addColumn('to_status', 'text', (col) => col.notNull())
      .addColumn('note', 'text')
      .addColumn('created_at', c.timestamp, (col) => col.notNull())
      .execute();
  },
};

export const eventIndex: Migration = {
  name: '0008_complaint_event_index',
  async up(db) {
    await db.schema.createIndex('cm_complaint_events_complaint_idx').on('cm_complaint_events').columns(['complaint_id', 'created_at']).execute();
  },
};

export const complaintMigrations: Migration[] = [
  createComplaints,
  complaintCustomerIndex,
  complaintExecutionIndex,
  complaintStatusIndex,
  createComments,
  commentIndex,
  createEvents,
  eventIndex,
];
