// `npm run build`: the production web, worker and manage processes run compiled JavaScript from dist/
// (no TypeScript transpiler at run time). tsc only transpiles here (`noCheck`: type errors are
// `npm run typecheck`'s and `npm test`'s business); every other file under app/ (static assets, HTML
// sections, images) is copied next to the compiled modules, so paths relative to a module resolve the same
// from dist/app/ as from app/.
// `--if-stale` (what `npm start` runs first) builds only when a file under app/, package-lock.json or a
// tsconfig changed since the last build.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'dist');
const stamp = path.join(out, '.built');

function newestChange(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(file) : statSync(file).mtimeMs);
  }
  return newest;
}

if (process.argv.includes('--if-stale')) {
  const sources = Math.max(newestChange(path.join(root, 'app')), ...['package-lock.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(path.join(root, f)).mtimeMs));
  let built = 0;
  try {
    built = statSync(stamp).mtimeMs;
  } catch {
    // never built
  }
  if (built > sources) process.exit(0);
}

rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});

const compiled = /\.(ts|tsx)$/;
let copied = 0;
function copyAssets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(from);
    else if (!compiled.test(entry.name)) {
      const to = path.join(out, path.relative(root, from));
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(from, to);
      copied += 1;
    }
  }
}
copyAssets(path.join(root, 'app'));
writeFileSync(stamp, `${new Date().toISOString()}\n`);
process.stdout.write(`built dist/ (compiled app/, ${copied} asset files copied)\n`);
