import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** One line of a benchmark's result table; every value is already in its display unit. */
export interface BenchRow {
  case: string;
  [metric: string]: string | number;
}

export interface BenchContext {
  /** How long each measured run lasts (BENCH_SECONDS, default 5). */
  seconds: number;
  /** Progress on stderr, so the table on stdout stays clean. */
  log(line: string): void;
}

export interface Benchmark {
  description: string;
  run(context: BenchContext): Promise<BenchRow[]>;
}

export function defineBenchmark(benchmark: Benchmark): Benchmark {
  return benchmark;
}

/**
 * Every bench/<name>.ts whose module does `export default defineBenchmark({...})` is a benchmark: adding
 * such a file is all it takes. Other files there are helpers or stand-alone scripts and are left out.
 */
export function benchmarkNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'run.ts')
    .filter((f) => /^export default defineBenchmark\(/m.test(readFileSync(path.join(dir, f), 'utf8')))
    .map((f) => f.slice(0, -3))
    .sort();
}

export async function loadBenchmark(dir: string, name: string): Promise<Benchmark> {
  const module = (await import(pathToFileURL(path.join(dir, `${name}.ts`)).href)) as { default?: Benchmark };
  if (!module.default?.run) throw new Error(`bench/${name}.ts must export default defineBenchmark({...})`);
  return module.default;
}
