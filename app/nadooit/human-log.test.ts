import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { humanReadable } from './human-log.js';

function capture(): { lines: string[]; log: pino.Logger } {
  const lines: string[] = [];
  return { lines, log: pino({ level: 'info' }, humanReadable({ write: (text: string) => lines.push(text) })) };
}

describe('development log', () => {
  it('writes one readable line per entry, with its fields, and keeps a link on its own line', () => {
    const { lines, log } = capture();
    log.info({ apps: 'nadooit_auth, nadooit_crm' }, '57 migrations applied');
    log.warn('Create one with this link:\n\n    http://localhost:8000/auth/setup?token=abc\n\nThen sign in.');
    assert.match(lines[0]!, /^\d\d:\d\d:\d\d INFO  57 migrations applied apps=nadooit_auth, nadooit_crm\n$/);
    assert.ok(!lines[0]!.includes('{'), 'no JSON');
    assert.ok(lines[1]!.split('\n').includes('    http://localhost:8000/auth/setup?token=abc'));
    assert.match(lines[1]!, / WARN  /);
  });

  it('folds a request into one line when it completes and prints an error with its stack', () => {
    const { lines, log } = capture();
    const http = log.child({ component: 'http' });
    http.info({ reqId: 'req-1', req: { method: 'GET', url: '/nadooit-os/' } }, 'incoming request');
    assert.equal(lines.length, 0);
    http.info({ reqId: 'req-1', res: { statusCode: 200 }, responseTime: 3.4 }, 'request completed');
    assert.match(lines[0]!, / INFO  GET \/nadooit-os\/ 200 \(3 ms\)\n$/);
    log.error({ err: new Error('database gone') }, 'job failed');
    assert.match(lines[1]!, /ERROR job failed\nError: database gone\n\s+at /);
  });
});
