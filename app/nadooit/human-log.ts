import type { DestinationStream } from 'pino';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
/** Fields every line has or that the line's head already shows. */
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'component', 'reqId', 'req', 'res', 'responseTime', 'err']);

function value(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function clock(time: unknown): string {
  const date = new Date(typeof time === 'number' ? time : Date.now());
  return date.toTimeString().slice(0, 8);
}

/**
 * Turns pino JSON lines into short lines for a person at a terminal: `12:00:01 INFO  message key=value`;
 * a request as one line `GET /path 200 (3 ms)` when it completes; an error with its stack. Multi-line
 * messages (the setup link) stay multi-line.
 */
export function humanFormatter(): (json: string) => string {
  const pending = new Map<unknown, string>();
  return (json) => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(json) as Record<string, unknown>;
    } catch {
      return json.endsWith('\n') ? json : `${json}\n`;
    }
    const req = entry.req as { method?: string; url?: string } | undefined;
    const res = entry.res as { statusCode?: number } | undefined;
    if (entry.msg === 'incoming request' && req?.method) {
      pending.set(entry.reqId, `${req.method} ${req.url ?? ''}`);
      return '';
    }
    let message = typeof entry.msg === 'string' ? entry.msg : '';
    if (message === 'request completed' && res) {
      const request = pending.get(entry.reqId) ?? '';
      pending.delete(entry.reqId);
      // Stylesheets, scripts and fonts that loaded fine are noise at a terminal; failures stay.
      if ((res.statusCode ?? 0) < 400 && / \/static\//.test(request)) return '';
      const ms = typeof entry.responseTime === 'number' ? ` (${Math.round(entry.responseTime)} ms)` : '';
      message = `${request} ${res.statusCode ?? ''}${ms}`.trim();
    }
    return line(entry, message);
  };
}

function line(entry: Record<string, unknown>, message: string): string {
  const extra = Object.entries(entry)
    .filter(([key, v]) => !HIDDEN.has(key) && v !== undefined)
    .map(([key, v]) => `${key}=${value(v)}`)
    .join(' ');
  const err = entry.err as { stack?: string; message?: string } | undefined;
  const level = LEVELS[entry.level as number] ?? 'INFO ';
  return `${clock(entry.time)} ${level} ${message}${extra ? ` ${extra}` : ''}${err ? `\n${err.stack ?? err.message}` : ''}\n`;
}

/** A pino destination that writes human-readable lines to `out` (stdout in development). */
export function humanReadable(out: { write(text: string): unknown } = process.stdout): DestinationStream {
  const format = humanFormatter();
  return {
    write: (json: string) => {
      const text = format(json);
      if (text) out.write(text);
    },
  };
}
