import type { AdminField, OnDelete, Text, WriteContext } from './types.js';

/** Small builders for the fields every app declares (keeps the admin.ts files about what differs). */

export const createdAt = (label: Text = { de: 'Angelegt', en: 'Created' }): AdminField => ({ name: 'created_at', label, type: 'datetime', readOnly: true });
export const updatedAt = (): AdminField => ({ name: 'updated_at', label: { de: 'Geändert', en: 'Changed' }, type: 'datetime', readOnly: true });

export function relation(name: string, label: Text, resource: string, onDelete: OnDelete, extra: Partial<AdminField> = {}): AdminField {
  return { name, label, type: 'relation', relation: { resource, onDelete }, ...extra };
}

export function flag(name: string, label: Text, extra: Partial<AdminField> = {}): AdminField {
  return { name, label, type: 'boolean', ...extra };
}

/** The acting staff user as the services' Actor: the explicit staff path, verified by the service. */
export function staffActor(ctx: WriteContext): { actorUserId: string; asStaff: true } {
  return { actorUserId: ctx.actor.id, asStaff: true };
}
