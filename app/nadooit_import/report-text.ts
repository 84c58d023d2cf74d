import type { ImportReport } from '../core/legacy/step.js';

const COLUMNS = ['read', 'created', 'updated', 'unchanged', 'removed', 'skipped'] as const;

/** The final report as a table, then every row that was not taken over and every note, with reasons. */
export function reportLines(report: ImportReport, dryRun: boolean): string[] {
  const rows = [...report.outcomes.values()].map((o) => [o.target, o.read, o.created, o.updated, o.unchanged, o.removed, o.skipped.length].map(String));
  const header = ['table', ...COLUMNS];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const lines = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  const problems = report.problems;
  if (problems.length) {
    lines.push('', `${problems.length} row(s) ${dryRun ? 'would not be' : 'were not'} imported:`);
    for (const p of problems) lines.push(`  ${p.legacyTable} ${p.legacyId}: ${p.reason}`);
  }
  const notes = [...report.outcomes.values()].flatMap((o) => o.notes);
  if (notes.length) lines.push('', 'Notes:', ...notes.map((n) => `  ${n}`));
  lines.push(
    '',
    dryRun
      ? `Dry run: nothing was written; ${report.changes} change(s) would be made.`
      : report.changes
        ? `Done: ${report.changes} change(s) written.`
        : 'Done: everything was already up to date, nothing changed.',
  );
  return lines;
}
