import type { DB } from '../core/db/connection.js';
import type { InboxEntry } from './inbox.js';

/** Delivery statuses only move forward: sent → delivered → read (failed ends it, like read). */
export const DELIVERY_RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3, failed: 3 };

interface WhatsAppValue {
  metadata?: { phone_number_id?: string; display_phone_number?: string };
  contacts?: Array<{ wa_id?: string; profile?: { name?: string } }>;
  messages?: Array<{ from?: unknown; id?: unknown; timestamp?: unknown; type?: unknown }>;
  statuses?: Array<{ id?: unknown; status?: unknown; timestamp?: unknown }>;
}

export interface WhatsAppStatus {
  messageId: string;
  status: string;
}

/** The messages (as inbox entries) and delivery statuses of a Cloud API webhook body; null when it is not one. */
export function parseWhatsApp(body: unknown): { entries: InboxEntry[]; statuses: WhatsAppStatus[] } | null {
  if (!body || typeof body !== 'object' || !Array.isArray((body as { entry?: unknown }).entry)) return null;
  const entries: InboxEntry[] = [];
  const statuses: WhatsAppStatus[] = [];
  for (const entry of (body as { entry: Array<{ changes?: Array<{ field?: string; value?: WhatsAppValue }> }> }).entry) {
    for (const change of entry?.changes ?? []) {
      const value = change?.value;
      if (!value || typeof value !== 'object') continue;
      for (const message of value.messages ?? []) {
        if (typeof message?.id !== 'string' || typeof message.from !== 'string') continue;
        const contact = value.contacts?.find((c) => c.wa_id === message.from) ?? null;
        entries.push({
          updateKey: message.id,
          chatKey: message.from,
          sortKey: Number(message.timestamp) || 0,
          kind: 'whatsapp_message',
          payload: { message, contact, metadata: value.metadata ?? null },
        });
      }
      for (const status of value.statuses ?? []) {
        if (typeof status?.id === 'string' && typeof status.status === 'string' && status.status in DELIVERY_RANK) {
          statuses.push({ messageId: status.id, status: status.status });
        }
      }
    }
  }
  return { entries, statuses };
}

/**
 * Records a delivery status of a message we sent, in one guarded statement: a status that arrives late
 * (delivered after read) changes nothing.
 */
export async function applyDeliveryStatus(db: DB, platformId: string, status: WhatsAppStatus): Promise<void> {
  const rank = DELIVERY_RANK[status.status]!;
  await db
    .updateTable('bot_messages')
    .set({ delivery_status: status.status, delivery_rank: rank })
    .where('bot_platform_id', '=', platformId)
    .where('message_id', '=', status.messageId)
    .where('direction', '=', 'out')
    .where('delivery_rank', '<', rank)
    .execute();
}
