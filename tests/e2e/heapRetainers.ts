/**
 * Why is it still alive? A heap snapshot of a page (Chrome DevTools Protocol, HeapProfiler) walked
 * breadth-first from the GC roots over strong edges: for every node a predicate picks (e.g. each
 * `WebGL2RenderingContext`, or a detached canvas), the shortest chain of properties that keeps it
 * reachable. Used by the kiosk spec to explain a heap that grows, and by hand when chasing a leak:
 *
 *   const report = await heapRetainers(page, (n) => n.name === 'WebGL2RenderingContext');
 *   console.log(formatRetainers(report));
 *
 * Property names survive minification (they are the libraries' own: `_listeners`, `style`, `map`),
 * class names of the bundle do not, so native objects (contexts, canvases) are the useful targets.
 */
import type { CDPSession, Page } from 'playwright-core';

export interface HeapNodeInfo {
  type: string;
  name: string;
  selfSize: number;
}

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface RetainerReport {
  /** Nodes the predicate picked that are reachable, each with its shortest path from a root. */
  reachable: { node: HeapNodeInfo; path: string[] }[];
  /** Total size of the snapshot's reachable nodes (self sizes), MB. */
  reachableMb: number;
}

async function takeSnapshot(cdp: CDPSession): Promise<RawSnapshot> {
  const chunks: string[] = [];
  const onChunk = (e: { chunk: string }): void => {
    chunks.push(e.chunk);
  };
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  return JSON.parse(chunks.join('')) as RawSnapshot;
}

/** Shortest strong retaining path of each node `pick` selects. `limit` caps how many are reported. */
export async function heapRetainers(page: Page, pick: (n: HeapNodeInfo) => boolean, limit = 12): Promise<RetainerReport> {
  const cdp = await page.context().newCDPSession(page);
  try {
    return walk(await takeSnapshot(cdp), pick, limit);
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

function walk(s: RawSnapshot, pick: (n: HeapNodeInfo) => boolean, limit: number): RetainerReport {
  const nf = s.snapshot.meta.node_fields;
  const ef = s.snapshot.meta.edge_fields;
  const nodeTypes = s.snapshot.meta.node_types[0];
  const edgeTypes = s.snapshot.meta.edge_types[0];
  const N = nf.length;
  const E = ef.length;
  const nType = nf.indexOf('type');
  const nName = nf.indexOf('name');
  const nSize = nf.indexOf('self_size');
  const nEdges = nf.indexOf('edge_count');
  const eType = ef.indexOf('type');
  const eName = ef.indexOf('name_or_index');
  const eTo = ef.indexOf('to_node');
  const count = s.nodes.length / N;
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    firstEdge[i] = e;
    e += s.nodes[i * N + nEdges]! * E;
    firstEdge[i + 1] = e;
  }
  const info = (i: number): HeapNodeInfo => ({ type: nodeTypes[s.nodes[i * N + nType]!]!, name: s.strings[s.nodes[i * N + nName]!]!, selfSize: s.nodes[i * N + nSize]! });
  const edgeLabel = (e: number): string => {
    const type = edgeTypes[s.edges[e + eType]!]!;
    const n = s.edges[e + eName]!;
    if (type === 'element' || type === 'hidden') return `[${n}]`;
    return type === 'internal' ? `{${s.strings[n]}}` : `.${s.strings[n]}`;
  };
  // Breadth first from the root (node 0) over strong edges: parent edge of each node reached.
  const parentEdge = new Int32Array(count).fill(-1);
  const parentNode = new Int32Array(count).fill(-1);
  const seen = new Uint8Array(count);
  const queue = new Uint32Array(count);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  seen[0] = 1;
  let reachableBytes = 0;
  while (head < tail) {
    const i = queue[head++]!;
    reachableBytes += s.nodes[i * N + nSize]!;
    for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e += E) {
      if (edgeTypes[s.edges[e + eType]!] === 'weak') continue;
      const to = s.edges[e + eTo]! / N;
      if (seen[to]) continue;
      seen[to] = 1;
      parentEdge[to] = e;
      parentNode[to] = i;
      queue[tail++] = to;
    }
  }
  const reachable: RetainerReport['reachable'] = [];
  for (let i = 0; i < count && reachable.length < limit; i++) {
    if (!seen[i]) continue;
    const node = info(i);
    if (!pick(node)) continue;
    const path: string[] = [];
    for (let at = i; parentNode[at]! >= 0; at = parentNode[at]!) {
      const p = parentNode[at]!;
      const pn = info(p);
      path.unshift(`${pn.name || pn.type}${edgeLabel(parentEdge[at]!)}`);
    }
    reachable.push({ node, path });
  }
  return { reachable, reachableMb: reachableBytes / 1e6 };
}

/** One line per retained node: its root-to-node chain, the start elided when long. */
export function formatRetainers(report: RetainerReport, maxSteps = 14): string {
  return report.reachable
    .map(({ node, path }) => {
      const steps = path.length > maxSteps ? ['…', ...path.slice(-maxSteps)] : path;
      return `${node.name} (${node.type}) ← ${steps.join(' → ')}`;
    })
    .join('\n');
}
