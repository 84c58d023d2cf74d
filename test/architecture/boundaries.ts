import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The dependency rules of docs/architecture.md, checked on the source: `core` imports no app, an app imports
 * only `core`, itself and the apps its module.ts declares in `dependsOn`, the declared graph has no cycle,
 * and production code never imports test code. The project module (`app/nadooit/`) wires everything and may
 * import any app. Tests and `testing/` helpers are test code and are not checked.
 */

/** app name → the apps it declares in dependsOn. */
export type DeclaredDependencies = ReadonlyMap<string, readonly string[]>;

const PROJECT_MODULE = 'nadooit';
const SOURCE = /\.(ts|tsx)$/;
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[\s;])import\s+['"]([^'"]+)['"]/g;

function isTestCode(relative: string): boolean {
  return /\.test\.tsx?$/.test(relative) || /(^|\/)testing(\/|\.tsx?$)/.test(relative);
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (SOURCE.test(entry)) out.push(full);
  }
  return out;
}

/** The relative import specifiers of one file (packages are nobody's app). */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier?.startsWith('.')) found.push(specifier);
  }
  return found;
}

/** The app folder a path under `appRoot` belongs to ('core' included), or null outside it. */
function appOf(appRoot: string, file: string): string | null {
  const relative = path.relative(appRoot, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return relative.split(path.sep)[0] ?? null;
}

function declaredCycle(declared: DeclaredDependencies): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: string[] = [];
  const visit = (app: string): string[] | null => {
    if (state.get(app) === 'done') return null;
    if (state.get(app) === 'visiting') return [...trail.slice(trail.indexOf(app)), app];
    state.set(app, 'visiting');
    trail.push(app);
    for (const dependency of declared.get(app) ?? []) {
      const cycle = visit(dependency);
      if (cycle) return cycle;
    }
    trail.pop();
    state.set(app, 'done');
    return null;
  };
  for (const app of declared.keys()) {
    const cycle = visit(app);
    if (cycle) return cycle;
  }
  return null;
}

/** Every broken rule as one line naming the file, the import and what to do. Empty when all is well. */
export function boundaryViolations(repoRoot: string, declared: DeclaredDependencies): string[] {
  const appRoot = path.join(repoRoot, 'app');
  const problems: string[] = [];
  const cycle = declaredCycle(declared);
  if (cycle) problems.push(`the declared app dependencies form a cycle: ${cycle.join(' → ')}`);
  for (const file of sourceFiles(appRoot)) {
    const relative = path.relative(repoRoot, file);
    if (isTestCode(path.relative(appRoot, file))) continue;
    const from = appOf(appRoot, file)!;
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      const target = path.resolve(path.dirname(file), specifier);
      const to = appOf(appRoot, target);
      const shown = `${relative} imports '${specifier}'`;
      if (to === null) {
        problems.push(`${shown}: production code may not import anything outside app/ (test code included)`);
        continue;
      }
      if (to === from || to === 'core' || from === PROJECT_MODULE) continue;
      if (to === PROJECT_MODULE) {
        problems.push(`${shown}: only the project module app/nadooit/ wires apps together; move what is shared into core or the owning app`);
      } else if (from === 'core') {
        problems.push(`${shown}: core imports no app; move the shared piece into core or invert the dependency`);
      } else if (!declared.has(from)) {
        problems.push(`${shown}: ${from} is not an installed app (no module in app/nadooit/apps.ts)`);
      } else if (!(declared.get(from) ?? []).includes(to)) {
        problems.push(`${shown}: ${from} does not declare ${to} in dependsOn (app/${from}/module.ts) — declare it, or move the shared piece down`);
      }
    }
  }
  return [...new Set(problems)];
}

const CREATE_TABLE = /createTable\(\s*['"]([a-z0-9_]+)['"]/g;
/** Statements that read or write a table as their subject (joins are read-only and allowed, see docs/architecture.md). */
const TABLE_STATEMENT = /(?<!eb\.)\b(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(\s*['"]([a-z0-9_]+)(?: as [a-z0-9_]+)?['"]/g;
const RAW_SQL = /sql`[^`]*?\b(?:from|into|update|join)\s+"?([a-z0-9_]+)/gi;

/** table → the app whose migrations create it. */
export function tableOwners(repoRoot: string): Map<string, string> {
  const appRoot = path.join(repoRoot, 'app');
  const owners = new Map<string, string>();
  for (const app of readdirSync(appRoot)) {
    const migrations = path.join(appRoot, app, app === 'core' ? 'migrations' : 'migrations');
    let files: string[] = [];
    try {
      files = sourceFiles(migrations);
    } catch {
      continue;
    }
    for (const file of files) for (const match of readFileSync(file, 'utf8').matchAll(CREATE_TABLE)) owners.set(match[1]!, app);
  }
  return owners;
}

/**
 * Every statement of production code whose subject is another app's table. A table's SQL lives in the app
 * that owns it; other apps call the owner's functions. Read-only joins inside a query on one's own table
 * are not listed (docs/architecture.md says when they are the right choice).
 */
export function foreignTableStatements(repoRoot: string): string[] {
  const appRoot = path.join(repoRoot, 'app');
  const owners = tableOwners(repoRoot);
  const problems: string[] = [];
  for (const file of sourceFiles(appRoot)) {
    if (isTestCode(path.relative(appRoot, file))) continue;
    const app = appOf(appRoot, file)!;
    if (app === PROJECT_MODULE) continue;
    const source = readFileSync(file, 'utf8');
    const statements = [...source.matchAll(TABLE_STATEMENT)].map((m) => [m[1]!, m[2]!] as const);
    const raw = [...source.matchAll(RAW_SQL)].map((m) => ['sql', m[1]!.toLowerCase()] as const);
    for (const [verb, table] of [...statements, ...raw]) {
      const owner = owners.get(table);
      if (owner && owner !== app) {
        problems.push(`${path.relative(repoRoot, file)}: ${verb}('${table}') — ${table} belongs to ${owner}; call a function of app/${owner} instead`);
      }
    }
  }
  return [...new Set(problems)];
}

/** Route files parse, call a service and render: SQL in them is a service waiting to be written. */
export function sqlInRoutes(repoRoot: string): string[] {
  const appRoot = path.join(repoRoot, 'app');
  const problems: string[] = [];
  for (const file of sourceFiles(appRoot)) {
    const relative = path.relative(appRoot, file);
    if (isTestCode(relative) || !/(^|\/)routes(\/|\.tsx?$)/.test(relative)) continue;
    const source = readFileSync(file, 'utf8');
    const match = /\b(selectFrom|insertInto|updateTable|deleteFrom)\(|sql`/.exec(source);
    if (match) problems.push(`${path.relative(repoRoot, file)}: ${match[1] ?? 'sql`'} in a route file — move the query into the app's services`);
  }
  return problems;
}
