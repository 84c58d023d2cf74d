import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
/** The folder of an installed package (some packages do not export their package.json). */
function packageDir(name: string): string {
  const [first] = require.resolve.paths(name) ?? [];
  for (const base of require.resolve.paths(name) ?? []) {
    const candidate = path.join(base, name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
  }
  throw new Error(`package ${name} is not installed (looked in ${first ?? 'node_modules'})`);
}

/** The platform's own assets (app.css, app.js, favicon.svg), served under the mount `app`. */
export const APP_STATIC_DIR = path.join(import.meta.dirname, 'static');

/** Every directory the app serves under /static/<build>/<mount>/; `manage collectstatic` copies the same. */
export function staticMounts(): Array<{ mount: string; dir: string }> {
  return [
    { mount: 'app', dir: APP_STATIC_DIR },
    { mount: 'bootstrap', dir: path.join(packageDir('bootstrap'), 'dist') },
    { mount: 'bootstrap-icons', dir: path.join(packageDir('bootstrap-icons'), 'font') },
    { mount: 'htmx', dir: path.join(packageDir('htmx.org'), 'dist') },
    { mount: 'simplewebauthn', dir: path.join(packageDir('@simplewebauthn/browser'), 'dist') },
  ];
}

/** Extra mounts registered by apps (e.g. a video player); they join the build id and collectstatic. */
const extraMounts: Array<{ mount: string; dir: string }> = [];
export function addStaticMount(mount: string, dir: string): void {
  if (!extraMounts.some((m) => m.mount === mount)) extraMounts.push({ mount, dir });
  cachedBuild = null;
}
export function allStaticMounts() {
  return [...staticMounts(), ...extraMounts];
}

/** Hashes names and contents (not mtimes), so every process and every checkout agrees on the id. */
function fingerprint(dir: string, hash: ReturnType<typeof createHash>): void {
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) fingerprint(full, hash);
    else hash.update(entry).update(readFileSync(full));
  }
}

const insideNodeModules = (dir: string) => dir.split(path.sep).includes('node_modules');

let cachedBuild: string | null = null;

/**
 * Changes whenever one of the project's own assets or a package version changes, so URLs can be cached
 * for a year. Packages are identified by their package.json; the project's folders by their contents.
 */
export function buildId(): string {
  if (cachedBuild) return cachedBuild;
  const hash = createHash('sha256');
  for (const { mount, dir } of allStaticMounts()) {
    hash.update(mount);
    if (insideNodeModules(dir)) hash.update(readFileSync(path.join(dir, '..', 'package.json')));
    else fingerprint(dir, hash);
  }
  cachedBuild = hash.digest('hex').slice(0, 12);
  return cachedBuild;
}

export function assetUrl(relative: string): string {
  return `/static/${buildId()}/${relative}`;
}
