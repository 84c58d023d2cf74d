import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redisConnection } from '../queue/redis-driver.js';
import type { DB } from './connection.js';
import { writeWatchOf } from './write-watch.js';

/**
 * Cross-process cache invalidation over Redis pub/sub. Every process on the same database and Redis
 * publishes the tables it wrote (after each write statement and again after each commit, coalesced per
 * event-loop turn), and drops, on a message from another process, every cached answer read from those
 * tables (core/db/write-watch.ts `external`) — so a revoked API key, an ended contract or a deactivated
 * program is refused in every process as soon as the message arrives (milliseconds), not only once the
 * caches' one-second lifetime ran out. Without Redis, or while it is unreachable, that lifetime is the bound.
 */
export interface Invalidation {
  close(): Promise<void>;
}

interface Message {
  origin: string;
  tables: string[];
}

/** One channel per deployment sharing a Redis (`?queue=` of REDIS_URL, as the job queue). */
export function invalidationChannel(url: string): string {
  return `nadooit:invalidate:${new URL(url).searchParams.get('queue') ?? 'default'}`;
}

export async function startInvalidation(db: DB, url: string, log?: Logger): Promise<Invalidation> {
  const origin = randomUUID();
  const channel = invalidationChannel(url);
  const watch = writeWatchOf(db);
  const options = { ...redisConnection(url), maxRetriesPerRequest: 1, lazyConnect: true };
  const publisher = new Redis({ ...options, enableOfflineQueue: false });
  const subscriber = new Redis(options);
  const quiet = (what: string) => (error: unknown) => log?.warn({ err: error }, `cache invalidation: ${what}`);
  publisher.on('error', quiet('publisher'));
  subscriber.on('error', quiet('subscriber'));
  try {
    await Promise.all([publisher.connect(), subscriber.connect()]);
  } catch (error) {
    publisher.disconnect();
    subscriber.disconnect();
    throw error;
  }

  subscriber.on('message', (_channel: string, text: string) => {
    try {
      const message = JSON.parse(text) as Message;
      if (message.origin !== origin && Array.isArray(message.tables)) watch.external(message.tables);
    } catch {
      // not one of ours
    }
  });
  await subscriber.subscribe(channel);

  let pending: Set<string> | null = null;
  const flush = () => {
    if (!pending) return;
    const message: Message = { origin, tables: [...pending] };
    pending = null;
    publisher.publish(channel, JSON.stringify(message)).catch(quiet('publish'));
  };
  watch.onWrites((tables) => {
    if (pending) {
      for (const table of tables) pending.add(table);
      return;
    }
    pending = new Set(tables);
    setImmediate(flush);
  });

  return {
    async close() {
      watch.onWrites(null);
      flush(); // a CLI command's last change still reaches the servers
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}
