import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * A server under test in a process of its own, so the load generator and the checks never share its event
 * loop and its CPU time can be read from /proc.
 */
export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** User + system CPU time of the process so far, in milliseconds. */
  cpuMs(): number;
  /** SIGTERM and wait for the exit (graceful stop). */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit (power-cut test). */
  kill(): Promise<void>;
  /** Everything the process wrote to stderr so far (for error messages). */
  stderr(): string;
}

const REPO = path.resolve(import.meta.dirname, '../..');
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of one process in ms, from /proc/<pid>/stat; 0 once it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU time (ms) of every PostgreSQL server process on this machine by pid (other users' work included: compare ratios). */
export function postgresCpuSnapshot(): Map<number, number> {
  const snapshot = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/stat`, 'utf8').includes('(postgres)')) snapshot.set(Number(entry), processCpuMs(Number(entry)));
    } catch {
      // the process ended while we looked
    }
  }
  return snapshot;
}

/** PostgreSQL CPU spent between two snapshots; a backend that ended in between counts with what it had at the start (0). */
export function postgresCpuSince(before: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of postgresCpuSnapshot()) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** Busy and total CPU time of the whole machine so far, in ticks (first line of /proc/stat). */
export function machineCpuTicks(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  const ticks = fields.slice(0, 8).map(Number); // user nice system idle iowait irq softirq steal
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - ticks[3]! - ticks[4]!, total };
}

/** Share of the machine's CPU time that was busy since `before`, in percent. */
export function machineBusyPercentSince(before: { busy: number; total: number }): number {
  const now = machineCpuTicks();
  return (100 * (now.busy - before.busy)) / Math.max(1, now.total - before.total);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The command of an npm script (`npm start` → its `start` line), so the bench starts the server as users do. */
export function npmScript(name: string): string {
  const scripts = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const script = scripts[name];
  if (!script) throw new Error(`package.json has no "${name}" script`);
  return script;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `npm start`'s command line, with dist/ built first when a source changed (what its `prestart` does). */
export function compiledStartCommand(): string {
  execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs'), '--if-stale'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  return npmScript('start');
}

/** The web server straight from the TypeScript sources, as tests start it (the code as it is, no build). */
const SOURCE_START = 'node --import tsx app/nadooit/main.ts start';

/**
 * Runs `command` through sh with `exec` (so the pid is the server itself, not a wrapper), waits until
 * GET <readyPath> answers, and hands back its handle.
 */
export async function startServerProcess(
  command: string,
  options: { env: Record<string, string>; port: number; readyPath?: string; timeoutMs?: number },
): Promise<ServerProcess> {
  // BENCH_SERVER_NODE_FLAGS go to the server's node only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it under load).
  const flags = process.env.BENCH_SERVER_NODE_FLAGS;
  const line = flags ? command.replace(/^node /, `node ${flags} `) : command;
  const child: ChildProcess = spawn('sh', ['-c', `exec ${line}`], {
    cwd: REPO,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${command} exited before it answered: ${errors}`);
    try {
      const response = await fetch(`${url}${options.readyPath ?? '/healthz'}`);
      if (response.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${command} did not answer within the timeout: ${errors}`);
    }
    await sleep(100);
  }
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return {
    pid: child.pid!,
    port: options.port,
    url,
    cpuMs: () => processCpuMs(child.pid!),
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    stderr: () => errors,
  };
}

/**
 * The project's own server on `databaseUrl`, production settings (DEBUG off), the bot API's rate limit off
 * (loads come from one address). `compiled`: as users start it (`npm start`'s command line, compiled
 * JavaScript — the benches); else from the sources through tsx (the tests). `command`: a start command of its
 * own (an earlier commit's checkout, say), with the same settings.
 */
export async function startAppServer(input: {
  databaseUrl: string;
  dataDir: string;
  env?: Record<string, string>;
  compiled?: boolean;
  command?: string;
}): Promise<ServerProcess> {
  const port = await freePort();
  return startServerProcess(input.command ?? (input.compiled ? compiledStartCommand() : SOURCE_START), {
    port,
    env: {
      SECRET_KEY: 'app-server-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz',
      DEBUG: '0',
      ALLOWED_HOSTS: 'localhost,127.0.0.1',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: input.databaseUrl,
      DATA_DIR: input.dataDir,
      LOG_LEVEL: 'warn',
      NADOOIT_API_RATE_LIMIT_PER_MINUTE: '0',
      ...input.env,
    },
  });
}
