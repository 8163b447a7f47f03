/**
 * Any list as a table the operator takes away: CSV (UTF-8 with a byte-order mark, so Excel opens
 * Chinese text as it is) or printed. What a list exports is what it shows: filtered, in its order,
 * with personal data as masked as on screen.
 */

export type Cell = string | number | null | undefined;

export interface ListExport {
  /** Heading of the printed sheet, and the file's name (with the date). */
  title: string;
  columns: string[];
  rows: Cell[][];
}

/** One CSV field: quoted when it holds a comma, quote or line break; a leading =+-@ is neutralised (CSV injection). */
function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: readonly string[], rows: readonly Cell[][]): string {
  return [columns, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** `事件工单-2026-12-02-1930.csv` (local time). */
export function exportFileName(title: string, atMs = Date.now()): string {
  const d = new Date(atMs);
  const p = (n: number): string => String(n).padStart(2, '0');
  const safe = title.replace(/[\\/:*?"<>|\s]+/g, '-');
  return `${safe}-${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}.csv`;
}

/** Saves the list as a CSV file through the browser's download. */
export function downloadCsv(list: ListExport): void {
  const blob = new Blob(['\uFEFF', toCsv(list.columns, list.rows)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = exportFileName(list.title);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
