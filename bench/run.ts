/**
 * `npm run bench` runs every benchmark; `npm run bench -- <name> [<name>…]` runs the named ones. Each
 * prints a table and writes bench/results/<name>-<timestamp>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import path from 'node:path';
import { benchmarkNames, loadBenchmark } from './support/registry.js';
import type { BenchContext } from './support/registry.js';
import { formatTable } from './support/table.js';

const dir = import.meta.dirname;
const available = benchmarkNames(dir);
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length) {
  process.stderr.write(`Unknown benchmark ${unknown.join(', ')}. Available: ${available.join(', ')}\n`);
  process.exit(2);
}

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const context: BenchContext = { seconds, log: (line) => process.stderr.write(`  ${line}\n`) };
const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', host: hostname(), platform: process.platform };
mkdirSync(path.join(dir, 'results'), { recursive: true });

for (const name of wanted.length ? wanted : available) {
  const benchmark = await loadBenchmark(dir, name);
  process.stderr.write(`${name}: ${benchmark.description}\n`);
  const startedAt = new Date();
  const rows = await benchmark.run(context);
  process.stdout.write(`\n${formatTable(`${name} (${seconds} s per case, ${machine.cpus} CPUs, Node ${machine.node})`, rows)}\n\n`);
  const file = path.join(dir, 'results', `${name}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ name, description: benchmark.description, startedAt: startedAt.toISOString(), seconds, machine, rows }, null, 2)}\n`);
  process.stderr.write(`  wrote ${path.relative(process.cwd(), file)}\n`);
}
