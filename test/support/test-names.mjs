/**
 * A node:test reporter that prints one line per test (not per suite) that ran: `<file>\t<name>`.
 * scripts/test-each-alone.sh uses it to run every test of a file on its own.
 * @param {AsyncIterable<{ type: string, data: { name: string, file?: string, skip?: unknown, todo?: unknown, details?: { type?: string } } }>} source
 */
export default async function* testNames(source) {
  const seen = new Set();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, file, details, skip, todo } = event.data;
    if (details?.type === 'suite' || !file || name === file || skip !== undefined || todo !== undefined) continue;
    const line = `${file}\t${name}`;
    if (!seen.has(line)) {
      seen.add(line);
      yield `${line}\n`;
    }
  }
}
