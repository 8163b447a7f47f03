/**
 * How a feature module's events become rows (ingest projections). Each module lists the tables
 * it writes, with their column layout, and one function per event type that writes that event's
 * rows as JSON text: the ingestor stages each table's rows as one NDJSON file and DuckDB's JSON
 * reader loads it with these types (electron/services/IngestService.ts). Row text is built from
 * already-validated values, so numbers are finite and strings go through JSON.stringify.
 */
import type { EventType, IngestEvent } from '../feed/events.ts';
import type { DuckDbStore } from './DuckDbStore.ts';

/** DuckDB column types a projection may write. TIMESTAMP travels as epoch milliseconds. */
export type ColumnType = 'VARCHAR' | 'TIMESTAMP' | 'DOUBLE' | 'REAL' | 'INTEGER' | 'UTINYINT' | 'USMALLINT' | 'JSON';

export interface ProjectionTable {
  /** Column name → type, in the table's column order. */
  columns: Record<string, ColumnType>;
  /**
   * `own-key`: the table is keyed by the domain's own id (an incident's), so a second report of
   * it is no new row (INSERT … ON CONFLICT DO NOTHING). Otherwise rows carry `event_id` and take
   * exactly the events the log's key let in (a replayed event adds nothing).
   */
  conflict?: 'own-key';
}

/** Appends one row (JSON text) to `table`. */
export type RowWriter = (table: string, json: string) => void;

type Projector<K extends EventType> = (event: Extract<IngestEvent, { type: K }>, id: string, write: RowWriter) => void;

export interface ProjectionModule {
  tables: Record<string, ProjectionTable>;
  project: { [K in EventType]?: Projector<K> };
  /**
   * For projections that replace rather than append (a corrected typhoon fix, a bulletin sent
   * again): called in the commit's transaction, after the rows, with the module's events that the
   * log's key let in. Its `project` entries then write no rows (empty functions).
   */
  apply?: (store: DuckDbStore, events: readonly IngestEvent[], receivedAtMs: number) => Promise<void>;
}

/** A string (or nothing) as JSON text. */
export const q = (v: string | null | undefined): string => (v == null ? 'null' : JSON.stringify(v));
