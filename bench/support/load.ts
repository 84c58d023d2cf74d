import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Result } from 'autocannon';

/**
 * autocannon as the benchmarks that set options its types do not list (`amount`, `workers`, `sampleInt`,
 * `overallRate`) call it: options in, the run's result out.
 */
export const autocannon = createRequire(import.meta.url)('autocannon') as (options: Record<string, unknown>) => Promise<Result>;

/**
 * autocannon options for a run of exactly `amount` requests. autocannon notices that the last one was
 * answered only at its next sample, once a second by default, so such runs measured whole seconds (4,000
 * requests done in 1.1 s counted as 2 s); with a 10 ms sample the duration is right to 10 ms.
 */
export function fixedAmount(amount: number): { amount: number; sampleInt: number } {
  return { amount, sampleInt: 10 };
}

/** What a closed-loop run measured, whichever load generator made it. */
export interface ClosedLoopRun {
  generator: 'wrk' | 'autocannon';
  /** Requests answered with 2xx. */
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * Requests that may have reached the server without their answer being counted: a timed run (wrk) stops
   * with up to one request per connection in flight, which the server still completes.
   */
  unanswered: number;
}

export interface ClosedLoopOptions {
  url: string;
  /** The request body; several: taken in turn, request by request. */
  body: string | readonly string[];
  contentType: string;
  connections: number;
  /** autocannon: exactly this many requests. */
  amount: number;
  /** wrk: this long. */
  seconds: number;
  /** A Host header of its own (a virtual server behind nginx); default the URL's. */
  host?: string;
}

let generator: 'wrk' | 'autocannon' | undefined;

/** wrk when the machine has it (`BENCH_LOAD=autocannon` forces autocannon), else autocannon; looked up once. */
export function closedLoopGenerator(): 'wrk' | 'autocannon' {
  generator ??= process.env.BENCH_LOAD === 'autocannon' || spawnSync('wrk', ['--version']).error ? 'autocannon' : 'wrk';
  return generator;
}

/** A rate no server here reaches: a timed run (wrk) makes at most this many requests per second. */
const RATE_BOUND = 50_000;

/** The most requests a closed-loop run can make (to size what they draw from, so it never runs dry). */
export function requestsBound(run: { amount: number; seconds: number }): number {
  return closedLoopGenerator() === 'wrk' ? run.seconds * RATE_BOUND : run.amount;
}

/**
 * A closed-loop run: `connections` clients, each sending the next request as soon as the last was answered.
 * wrk (C, its own process, one thread) takes far less CPU than autocannon, which runs in this process — on a
 * 2-core machine autocannon's share decides the server's tail latency.
 */
export async function closedLoop(options: ClosedLoopOptions): Promise<ClosedLoopRun> {
  return closedLoopGenerator() === 'wrk' ? wrk(options) : autocannonRun(options);
}

/**
 * An open-loop run (autocannon; wrk has no fixed rate): `rate` requests a second offered for `seconds`,
 * whatever the server manages, every request answered before it returns.
 */
export function openLoop(options: Omit<ClosedLoopOptions, 'amount'> & { rate: number }): Promise<ClosedLoopRun> {
  return autocannonRun({ ...options, amount: Math.round(options.rate * options.seconds) }, { overallRate: options.rate });
}

async function autocannonRun(options: ClosedLoopOptions, extra: Record<string, unknown> = {}): Promise<ClosedLoopRun> {
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': options.contentType, ...(options.host ? { host: options.host } : {}) },
    ...(typeof options.body === 'string' ? { body: options.body } : { requests: options.body.map((body) => ({ body })) }),
    connections: options.connections,
    ...fixedAmount(options.amount),
    ...extra,
    workers: 1,
    timeout: 30,
  });
  return {
    generator: 'autocannon',
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    unanswered: 0,
  };
}

/**
 * The request and a summary line as JSON, read from the environment so no body needs escaping for Lua;
 * with WRK_BODY_COUNT > 1 the bodies WRK_BODY_1… in turn.
 */
const WRK_SCRIPT = `
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY_1")
wrk.headers["Content-Type"] = os.getenv("WRK_CONTENT_TYPE")
if os.getenv("WRK_HOST") ~= "" then wrk.headers["Host"] = os.getenv("WRK_HOST") end
local count = tonumber(os.getenv("WRK_BODY_COUNT"))
if count > 1 then
  local requests, turn = {}, 0
  for i = 1, count do requests[i] = wrk.format(nil, nil, nil, os.getenv("WRK_BODY_" .. i)) end
  request = function()
    turn = turn % count + 1
    return requests[turn]
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\nWRK_SUMMARY {"requests":%d,"duration_us":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50_us":%d,"p99_us":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout, latency:percentile(50), latency:percentile(99)))
end
`;

async function wrk(options: ClosedLoopOptions): Promise<ClosedLoopRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'nadooit-wrk-'));
  try {
    const script = path.join(dir, 'post.lua');
    writeFileSync(script, WRK_SCRIPT);
    const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '30s', '-s', script, options.url];
    const output = await new Promise<string>((resolve, reject) => {
      const bodies = typeof options.body === 'string' ? [options.body] : options.body;
      const env = { ...process.env, ...Object.fromEntries(bodies.map((body, i) => [`WRK_BODY_${i + 1}`, body])), WRK_BODY_COUNT: String(bodies.length) };
      execFile('wrk', args, { env: { ...env, WRK_CONTENT_TYPE: options.contentType, WRK_HOST: options.host ?? '' } }, (error, stdout, stderr) =>
        error ? reject(new Error(`wrk failed: ${stderr || error.message}`)) : resolve(stdout),
      );
    });
    const line = output.split('\n').find((l) => l.startsWith('WRK_SUMMARY '));
    if (!line) throw new Error(`wrk printed no summary:\n${output}`);
    const s = JSON.parse(line.slice('WRK_SUMMARY '.length)) as Record<string, number>;
    return {
      generator: 'wrk',
      ok: s.requests! - s.status!,
      non2xx: s.status!,
      errors: s.connect! + s.read! + s.write! + s.timeout!,
      seconds: s.duration_us! / 1e6,
      p50Ms: s.p50_us! / 1000,
      p99Ms: s.p99_us! / 1000,
      unanswered: options.connections,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The 200 answers so far, and how many more bookings may exist: requests still in flight when a timed run
 * stopped, which the server completed without anyone counting the answer.
 */
export interface Answered {
  ok: number;
  unanswered: number;
}

export const answeredText = (a: Answered) => (a.unanswered ? `${a.ok}–${a.ok + a.unanswered}` : String(a.ok));
export const matches = (count: number, a: Answered) => count >= a.ok && count <= a.ok + a.unanswered;

/** `sum` plus what `run` answered and may have left unanswered. */
export const addRun = (sum: Answered, run: ClosedLoopRun): Answered => ({ ok: sum.ok + run.ok, unanswered: sum.unanswered + run.unanswered });

/**
 * Waits until the server finished the requests a timed run left in flight: `count` (rows written) holds
 * still for a quarter second, so the check that follows sees one settled state.
 */
export async function settled(answered: Answered, count: () => Promise<number>): Promise<void> {
  if (!answered.unanswered) return;
  let last = await count();
  for (let i = 0; i < 40; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = await count();
    if (now === last) return;
    last = now;
  }
}
