/**
 * The process chain as an SVG drawn on the server: one box per process, an arrow from each process to each
 * process it triggers, left to right in trigger order. Names are text children marked `safe` (escaped), and
 * colours are presentation attributes, so the drawing needs neither scripts nor styles (CSP) nor CSS.
 */

export interface ChainNode {
  id: string;
  name: string;
  /** Program names shown under the process name. */
  programs: string[];
}

export interface ChainEdge {
  from: string;
  to: string;
}

export interface PlacedNode extends ChainNode {
  layer: number;
  row: number;
}

/**
 * Columns by trigger order: a process sits one column right of the furthest process that triggers it
 * (longest path, Kahn's order). Processes on a cycle get the columns after everything acyclic, in name order,
 * so any graph — cycles included — is drawn. Rows within a column follow the names.
 */
export function layoutChain(nodes: readonly ChainNode[], edges: readonly ChainEdge[]): PlacedNode[] {
  const known = new Set(nodes.map((n) => n.id));
  const valid = edges.filter((e) => known.has(e.from) && known.has(e.to) && e.from !== e.to);
  const incoming = new Map(nodes.map((n) => [n.id, 0]));
  for (const e of valid) incoming.set(e.to, incoming.get(e.to)! + 1);
  const layer = new Map<string, number>();
  const byName = [...nodes].sort((a, b) => a.name.localeCompare(b.name, 'de') || a.id.localeCompare(b.id));
  const queue = byName.filter((n) => incoming.get(n.id) === 0).map((n) => n.id);
  for (const id of queue) layer.set(id, 0);
  while (queue.length) {
    const id = queue.shift()!;
    for (const e of valid.filter((edge) => edge.from === id)) {
      layer.set(e.to, Math.max(layer.get(e.to) ?? 0, layer.get(id)! + 1));
      incoming.set(e.to, incoming.get(e.to)! - 1);
      if (incoming.get(e.to) === 0) queue.push(e.to);
    }
  }
  let next = Math.max(-1, ...layer.values()) + 1;
  for (const n of byName) if (!layer.has(n.id)) layer.set(n.id, next++);
  const rows = new Map<number, number>();
  return byName.map((n) => {
    const l = layer.get(n.id)!;
    const row = rows.get(l) ?? 0;
    rows.set(l, row + 1);
    return { ...n, layer: l, row };
  });
}

const BOX_W = 180;
const BOX_H = 56;
const GAP_X = 60;
const GAP_Y = 24;
const PAD = 12;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function ProcessChainDiagram(props: { nodes: readonly ChainNode[]; edges: readonly ChainEdge[]; highlight?: string; title: string; emptyText: string }): JSX.Element {
  if (!props.nodes.length) return <p class="text-muted" safe>{props.emptyText}</p>;
  const placed = layoutChain(props.nodes, props.edges);
  const at = new Map(placed.map((n) => [n.id, n]));
  const columns = Math.max(...placed.map((n) => n.layer)) + 1;
  const rows = Math.max(...placed.map((n) => n.row)) + 1;
  const width = PAD * 2 + columns * BOX_W + (columns - 1) * GAP_X;
  const height = PAD * 2 + rows * BOX_H + (rows - 1) * GAP_Y;
  const x = (n: PlacedNode) => PAD + n.layer * (BOX_W + GAP_X);
  const y = (n: PlacedNode) => PAD + n.row * (BOX_H + GAP_Y);
  const arrows = props.edges.filter((e) => at.has(e.from) && at.has(e.to) && e.from !== e.to);
  return (
    <svg class="process-chain" viewBox={`0 0 ${width} ${height}`} width={String(width)} height={String(height)} role="img" aria-label={props.title} xmlns="http://www.w3.org/2000/svg">
      <title safe>{props.title}</title>
      <defs>
        <marker id="process-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#495057" />
        </marker>
      </defs>
      {arrows.map((e) => {
        const from = at.get(e.from)!;
        const to = at.get(e.to)!;
        const forward = to.layer > from.layer;
        const x1 = forward ? x(from) + BOX_W : x(from) + BOX_W / 2;
        const y1 = forward ? y(from) + BOX_H / 2 : y(from) + BOX_H;
        const x2 = forward ? x(to) : x(to) + BOX_W / 2;
        const y2 = forward ? y(to) + BOX_H / 2 : y(to);
        return <line class="process-edge" x1={String(x1)} y1={String(y1)} x2={String(x2)} y2={String(y2)} stroke="#495057" stroke-width="1.5" marker-end="url(#process-arrow)" />;
      })}
      {placed.map((n) => (
        <g class="process-node" data-process-id={n.id}>
          <rect
            x={String(x(n))}
            y={String(y(n))}
            width={String(BOX_W)}
            height={String(BOX_H)}
            rx="6"
            fill={n.id === props.highlight ? '#cfe2ff' : '#f8f9fa'}
            stroke={n.id === props.highlight ? '#0d6efd' : '#adb5bd'}
            stroke-width="1.5"
          />
          <text x={String(x(n) + 10)} y={String(y(n) + 22)} font-size="14" font-weight="bold" fill="#212529" safe>
            {clip(n.name, 24)}
          </text>
          <text x={String(x(n) + 10)} y={String(y(n) + 42)} font-size="11" fill="#6c757d" safe>
            {clip(n.programs.join(', '), 30)}
          </text>
          <title safe>{[n.name, ...n.programs].join(' · ')}</title>
        </g>
      ))}
    </svg>
  );
}
