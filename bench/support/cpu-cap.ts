import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A CPU quota for one process and all its threads, through a cgroup of its own (cgroup v2 `cpu.max`, or v1
 * `cpu.cfs_quota_us`). It lets a bench model app processes that each have their own machine on a machine
 * whose few CPUs also run the database, the proxy and the load generator.
 */
export interface CpuCap {
  /** Sets the quota; `undefined` lifts it. */
  limit(cores: number | undefined): void;
  /** CPU time the kernel held back from the process because of the quota, in ms. */
  throttledMs(): number;
  /** Removes the cgroup (the process must have exited, or it is moved back to the root first). */
  release(): void;
}

const PERIOD_US = 100_000;

interface Hierarchy {
  root: string;
  setQuota(dir: string, cores: number | undefined): void;
  throttledUs(dir: string): number;
}

const v2: Hierarchy = {
  root: '/sys/fs/cgroup',
  setQuota: (dir, cores) => writeFileSync(path.join(dir, 'cpu.max'), `${cores === undefined ? 'max' : Math.round(cores * PERIOD_US)} ${PERIOD_US}`),
  throttledUs: (dir) => statField(path.join(dir, 'cpu.stat'), 'throttled_usec'),
};

const v1: Hierarchy = {
  root: '/sys/fs/cgroup/cpu',
  setQuota: (dir, cores) => {
    writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), String(cores === undefined ? -1 : Math.round(cores * PERIOD_US)));
  },
  throttledUs: (dir) => statField(path.join(dir, 'cpu.stat'), 'throttled_time') / 1000,
};

function statField(file: string, name: string): number {
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

function hierarchy(): Hierarchy | undefined {
  if (existsSync(path.join(v2.root, 'cgroup.controllers'))) {
    return readFileSync(path.join(v2.root, 'cgroup.subtree_control'), 'utf8').includes('cpu') ? v2 : undefined;
  }
  return existsSync(path.join(v1.root, 'cpu.cfs_quota_us')) ? v1 : undefined;
}

/**
 * Puts `pid` into a cgroup of its own, with no quota yet. Returns why not (no cgroup CPU controller, not
 * allowed to create a cgroup) instead of throwing, so a bench can say what it measured without one.
 */
export function cpuCap(pid: number): CpuCap | string {
  const tree = hierarchy();
  if (!tree) return 'this machine has no writable cgroup CPU controller';
  const dir = path.join(tree.root, `nadooit-bench-${pid}`);
  try {
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
  } catch (error) {
    try {
      rmdirSync(dir);
    } catch {
      // it was not created
    }
    return `no cgroup for the app process: ${(error as Error).message}`;
  }
  return {
    limit: (cores) => tree.setQuota(dir, cores),
    throttledMs: () => tree.throttledUs(dir) / 1000,
    release: () => {
      try {
        if (readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').trim()) writeFileSync(path.join(tree.root, 'cgroup.procs'), String(pid));
        rmdirSync(dir);
      } catch {
        // already gone
      }
    },
  };
}
