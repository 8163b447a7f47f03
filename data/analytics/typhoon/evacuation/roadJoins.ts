/**
 * Lanes that stop short of the street. Base-map lanes (estate lanes, 里弄) often end a few metres
 * before the road they lead to, so as a graph each is an island: a building whose nearest road is
 * such a lane has "no road to any shelter", though people walk the last metres. Each line end that
 * touches no other line is joined by a straight connector to the nearest point of another line
 * within `maxGapM`, so the routes cross those metres on foot.
 */
import Flatbush from 'flatbush';
import { localProjection } from '../../../model/geo.ts';

export interface JoinedLines {
  lines: number[][][];
  /** Connectors added. */
  joined: number;
}

export function joinDanglingEnds(lines: readonly number[][][], maxGapM = 80): JoinedLines {
  const all = lines.filter((l) => l.length >= 2);
  if (all.length < 2) return { lines: [...all], joined: 0 };
  const p0 = all[0]![0]!;
  const proj = localProjection(p0[0]!, p0[1]!);
  const segs: { line: number; ax: number; ay: number; bx: number; by: number }[] = [];
  const xy = all.map((l) => l.map((p) => proj.toMetres(p[0]!, p[1]!)));
  xy.forEach((l, li) => {
    for (let i = 0; i + 1 < l.length; i++) segs.push({ line: li, ax: l[i]![0], ay: l[i]![1], bx: l[i + 1]![0], by: l[i + 1]![1] });
  });
  const index = new Flatbush(segs.length);
  for (const s of segs) index.add(Math.min(s.ax, s.bx), Math.min(s.ay, s.by), Math.max(s.ax, s.bx), Math.max(s.ay, s.by));
  index.finish();
  const nearestOnOther = (line: number, x: number, y: number, radius: number): { d: number; x: number; y: number } | null => {
    let best: { d: number; x: number; y: number } | null = null;
    for (const k of index.search(x - radius, y - radius, x + radius, y + radius)) {
      const s = segs[k]!;
      if (s.line === line) continue;
      const dx = s.bx - s.ax;
      const dy = s.by - s.ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - s.ax) * dx + (y - s.ay) * dy) / len2));
      const px = s.ax + t * dx;
      const py = s.ay + t * dy;
      const d = Math.hypot(x - px, y - py);
      if (d <= radius && (!best || d < best.d)) best = { d, x: px, y: py };
    }
    return best;
  };
  const out = [...all];
  let joined = 0;
  xy.forEach((l, li) => {
    for (const end of [l[0]!, l[l.length - 1]!]) {
      // Already on another line (a shared vertex or a crossing): nothing to join.
      if (nearestOnOther(li, end[0], end[1], 0.5)) continue;
      const hit = nearestOnOther(li, end[0], end[1], maxGapM);
      if (!hit) continue;
      out.push([proj.toLonLat(end[0], end[1]), proj.toLonLat(hit.x, hit.y)]);
      joined++;
    }
  });
  return { lines: out, joined };
}
