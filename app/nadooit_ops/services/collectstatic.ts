import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { allStaticMounts, buildId } from '../../core/ui/assets.js';
import { listFiles } from './files.js';

const BUILD_DIR = /^[0-9a-f]{12}$/;

export interface CollectResult {
  build: string;
  directory: string;
  files: number;
  /** True when this build was collected before (nothing copied). */
  alreadyThere: boolean;
  removed: string[];
}

/**
 * Copies every static mount to STATIC_ROOT/<build id>/<mount>/, the same paths the app serves under
 * /static/<build id>/<mount>/, so nginx can answer them. The folder appears atomically (rename), and
 * older builds beyond `keep` are removed; the previous ones stay for pages still open in browsers.
 */
export function collectStatic(staticRoot: string, keep = 3): CollectResult {
  const build = buildId();
  const directory = path.join(staticRoot, build);
  mkdirSync(staticRoot, { recursive: true });
  const alreadyThere = existsSync(directory);
  if (!alreadyThere) {
    const staging = path.join(staticRoot, `.${build}.${process.pid}.tmp`);
    rmSync(staging, { recursive: true, force: true });
    for (const { mount, dir } of allStaticMounts()) {
      cpSync(dir, path.join(staging, mount), { recursive: true, dereference: true });
    }
    renameSync(staging, directory);
  }
  const others = readdirSync(staticRoot)
    .filter((name) => BUILD_DIR.test(name) && name !== build)
    .map((name) => ({ name, mtime: statSync(path.join(staticRoot, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  const removed = others.slice(Math.max(keep - 1, 0)).map((o) => o.name);
  for (const name of removed) rmSync(path.join(staticRoot, name), { recursive: true, force: true });
  return { build, directory, files: listFiles(directory).length, alreadyThere, removed };
}
