import { writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A node:test reporter that prints the slowest test files when the run ends (scripts/test.sh gives it as a
 * second `--test-reporter`, next to spec). Each file runs in its own process; its duration is that of the
 * file-level test node:test reports for it (name = file path). `TEST_SLOWEST` sets how many lines (15);
 * with `TEST_DURATIONS_FILE` the duration of every file is also written there as JSON, to compare runs.
 */

/**
 * Plain JavaScript: node loads reporters before `--import tsx` applies.
 * @param {AsyncIterable<{ type: string, data: { name?: string, file?: string, nesting?: number, details?: { duration_ms?: number } } }>} source
 */
export default async function* slowestFiles(source) {
  /** @type {Map<string, number>} */
  const durations = new Map();
  for await (const event of source) {
    if (event.type !== 'test:complete') continue;
    const { name, file, nesting, details } = event.data;
    if (nesting === 0 && file && name === file && typeof details?.duration_ms === 'number') {
      durations.set(path.relative(process.cwd(), file), details.duration_ms);
    }
  }
  if (durations.size === 0) return;
  const sorted = [...durations].sort((a, b) => b[1] - a[1]);
  if (process.env.TEST_DURATIONS_FILE) {
    writeFileSync(process.env.TEST_DURATIONS_FILE, `${JSON.stringify(Object.fromEntries(sorted), null, 2)}\n`);
  }
  const count = Number(process.env.TEST_SLOWEST ?? 15) || 15;
  const total = sorted.reduce((sum, [, ms]) => sum + ms, 0);
  const lines = sorted.slice(0, count).map(([file, ms]) => `${(ms / 1000).toFixed(1).padStart(7)} s  ${file}`);
  yield `\nslowest ${Math.min(count, sorted.length)} of ${sorted.length} test files (sum of all files ${(total / 1000).toFixed(0)} s):\n${lines.join('\n')}\n`;
}
