import type { Tx } from '../core/db/transaction.js';
import type { Actor } from '../core/actor.js';
import type { ChainEdge, ChainNode } from './diagram.js';
import { getProcess, processesOfCustomer, programNamesOf } from './processes.js';
import type { ProcessDetails } from './processes.js';

export interface ProcessChain {
  nodes: ChainNode[];
  edges: ChainEdge[];
}

/** Nodes and arrows of a set of processes: "A triggers B" from A's list and from B's trigger process alike. */
export function chainOf(processes: readonly ProcessDetails[], programNames: ReadonlyMap<string, string>): ProcessChain {
  const seen = new Set<string>();
  const edges: ChainEdge[] = [];
  const add = (from: string, to: string) => {
    const key = `${from}>${to}`;
    if (!seen.has(key)) {
      seen.add(key);
      edges.push({ from, to });
    }
  };
  for (const p of processes) {
    if (p.trigger_process_id) add(p.trigger_process_id, p.id);
    for (const t of p.triggersIds) add(p.id, t);
  }
  const nodes = processes.map((p) => ({ id: p.id, name: p.name, programs: p.programIds.map((id) => programNames.get(id) ?? '?').sort() }));
  return { nodes, edges };
}

/** The part of a chain connected to `processId` (following arrows either way). */
export function componentOf(chain: ProcessChain, processId: string): ProcessChain {
  const reached = new Set([processId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of chain.edges) {
      if (reached.has(e.from) !== reached.has(e.to)) {
        reached.add(e.from);
        reached.add(e.to);
        grew = true;
      }
    }
  }
  return { nodes: chain.nodes.filter((n) => reached.has(n.id)), edges: chain.edges.filter((e) => reached.has(e.from) && reached.has(e.to)) };
}

/** Every process of a customer as one chain drawing (the dashboard page). */
export async function customerProcessChain(db: Tx, input: Actor & { customerId: string }): Promise<{ processes: ProcessDetails[]; chain: ProcessChain; programNames: Map<string, string> }> {
  const processes = await processesOfCustomer(db, input);
  const programNames = await programNamesOf(db, processes);
  return { processes, chain: chainOf(processes, programNames), programNames };
}

/** The chain one process belongs to (admin detail, API). */
export async function processChain(db: Tx, input: Actor & { id: string }): Promise<{ process: ProcessDetails; chain: ProcessChain }> {
  const process = await getProcess(db, input);
  const { chain } = await customerProcessChain(db, { ...input, customerId: process.customer_id });
  return { process, chain: componentOf(chain, process.id) };
}
