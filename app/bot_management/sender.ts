import { GrammyError } from 'grammy';
import type { Db } from '../core/db/connection.js';

export type SendPriority = 'reply' | 'broadcast';

/** A platform asked us to wait (Telegram 429 `retry_after`, WhatsApp/Graph 429 `Retry-After`). */
export class RetryAfterError extends Error {
  constructor(readonly retryAfterSeconds: number, message = `rate limited: retry after ${retryAfterSeconds} s`) {
    super(message);
  }
}

/** The seconds to wait when `error` is a rate limit of the platform, else null. */
export function retryAfterOf(error: unknown): number | null {
  if (error instanceof RetryAfterError) return error.retryAfterSeconds;
  if (error instanceof GrammyError && error.error_code === 429) return Math.max(0, error.parameters.retry_after ?? 1);
  return null;
}

interface Pending {
  priority: number;
  seq: number;
  tries: number;
  run(): Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const PRIORITY: Record<SendPriority, number> = { reply: 0, broadcast: 1 };
const MAX_RATE_LIMIT_RETRIES = 8;

/**
 * The one outbound lane of a bot: calls run one at a time, replies before broadcasts (then first come,
 * first served). A rate limit pauses the whole bot — every waiting call, not only the refused one — for
 * `retry_after`; the refused call goes back into the lane at its place. The pause is also written to the
 * platform row, so other worker processes sending for the same bot wait as well.
 */
export class BotSender {
  private readonly lane: Pending[] = [];
  private seq = 0;
  private busy = false;
  private pausedUntil = 0;

  constructor(
    private readonly db: Db,
    readonly platformId: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  run<T>(priority: SendPriority, call: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.lane.push({ priority: PRIORITY[priority], seq: this.seq++, tries: 0, run: call, resolve: resolve as (v: unknown) => void, reject });
      void this.pump();
    });
  }

  /** Calls waiting in the lane (for tests and the admin). */
  get waiting(): number {
    return this.lane.length;
  }

  private next(): Pending | undefined {
    this.lane.sort((a, b) => a.priority - b.priority || a.seq - b.seq);
    return this.lane.shift();
  }

  private async waitForPause(): Promise<void> {
    for (;;) {
      const row = await this.db.kysely.selectFrom('bot_platforms').select('send_paused_until').where('id', '=', this.platformId).executeTakeFirst();
      const until = Math.max(this.pausedUntil, row?.send_paused_until ? Date.parse(row.send_paused_until) : 0);
      const wait = until - Date.now();
      if (wait <= 0) return;
      await this.sleep(wait);
    }
  }

  private async pause(seconds: number): Promise<void> {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + seconds * 1000);
    await this.db.kysely
      .updateTable('bot_platforms')
      .set({ send_paused_until: new Date(this.pausedUntil).toISOString() })
      .where('id', '=', this.platformId)
      .execute();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.lane.length) {
        // The next call is chosen after the pause: a reply queued meanwhile goes before a waiting broadcast.
        await this.waitForPause().catch(() => undefined);
        const item = this.next()!;
        try {
          item.resolve(await item.run());
        } catch (error) {
          const retryAfter = retryAfterOf(error);
          if (retryAfter === null || item.tries >= MAX_RATE_LIMIT_RETRIES) {
            item.reject(error);
            continue;
          }
          item.tries++;
          this.lane.push(item); // keeps its seq: back at its place in the lane
          await this.pause(retryAfter).catch(() => undefined);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}

const senders = new Map<string, BotSender>();

/** The sender of a bot platform in this process. */
export function senderFor(db: Db, platformId: string): BotSender {
  let sender = senders.get(platformId);
  if (!sender) senders.set(platformId, (sender = new BotSender(db, platformId)));
  return sender;
}
