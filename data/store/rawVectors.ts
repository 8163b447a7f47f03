/**
 * Numeric result columns read straight from DuckDB's vector memory.
 *
 * NOTE: this goes under `@duckdb/node-api` to `@duckdb/node-bindings`, the C-API binding that
 * node-api itself is built on (same pinned version). node-api wraps every vector of every chunk in
 * several JS objects (logical type, vector class, validity, item view); for a scan of 94M meter
 * readings in 46k chunks × 5 columns that wrapping, and the garbage it leaves, cost more than
 * the query itself (2.9 s against 1.2 s read here, scratch timing). Here a chunk costs three
 * binding calls per column and one typed-array view.
 *
 * Only fixed-width numeric types whose storage matches a JS typed array go this way; the caller
 * falls back to node-api's public path for anything else (decided once per result, from its
 * column types). NULL cells (from the validity mask) are read as 0, as on the public path.
 */
import duckdb from '@duckdb/node-bindings';
import { DuckDBTypeId, type DuckDBListType, type DuckDBMaterializedResult } from '@duckdb/node-api';

export type NumericArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
export type NumericCtor = new (length: number) => NumericArray;
type ViewCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => NumericArray;

/** The typed array that holds a DuckDB type's storage as it is, if any. DATE is days since 1970. */
const STORAGE: Partial<Record<DuckDBTypeId, ViewCtor>> = {
  [DuckDBTypeId.BOOLEAN]: Uint8Array,
  [DuckDBTypeId.TINYINT]: Int8Array,
  [DuckDBTypeId.UTINYINT]: Uint8Array,
  [DuckDBTypeId.SMALLINT]: Int16Array,
  [DuckDBTypeId.USMALLINT]: Uint16Array,
  [DuckDBTypeId.INTEGER]: Int32Array,
  [DuckDBTypeId.UINTEGER]: Uint32Array,
  [DuckDBTypeId.DATE]: Int32Array,
  [DuckDBTypeId.FLOAT]: Float32Array,
  [DuckDBTypeId.DOUBLE]: Float64Array,
};

/** The binding's handle behind a node-api result (a protected field); null if it is not there. */
function bindingResult(result: DuckDBMaterializedResult): duckdb.Result | null {
  const handle = (result as unknown as { result?: unknown }).result;
  return handle !== null && typeof handle === 'object' ? (handle as duckdb.Result) : null;
}

/** A numeric view of one vector's first `rows` cells, with NULL cells set to 0 (then a copy). */
function vectorView(vector: duckdb.Vector, View: ViewCtor, rows: number): NumericArray {
  const bytes = (View as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const data = duckdb.vector_get_data(vector, rows * bytes);
  const view = new View(data.buffer, data.byteOffset, rows);
  const validity = duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8);
  if (validity === null) return view;
  const copy = view.slice();
  for (let i = 0; i < rows; i++) if ((validity[i >> 3]! & (1 << (i & 7))) === 0) copy[i] = 0;
  return copy;
}

/**
 * Walks a result chunk by chunk, handing each column as a view of DuckDB's storage type (Int32
 * for INTEGER and DATE, Float32 for FLOAT…), valid only during the call. Returns false, having
 * called nothing, when some column has no such storage (the caller then takes the public path).
 */
export function forEachRawChunk(result: DuckDBMaterializedResult, onChunk: (columns: NumericArray[], rows: number) => void): boolean {
  const handle = bindingResult(result);
  if (!handle) return false;
  const views: ViewCtor[] = [];
  for (let col = 0; col < result.columnCount; col++) {
    const View = STORAGE[result.columnTypeId(col)];
    if (!View) return false;
    views.push(View);
  }
  // The chunk owns the memory the views look at: keep it referenced until the call returns
  // (a local that is not read again may be collected, and its finalizer frees the chunk).
  const held: { chunk: duckdb.DataChunk | null } = { chunk: null };
  const chunks = duckdb.result_chunk_count(handle);
  for (let c = 0; c < chunks; c++) {
    const chunk = duckdb.result_get_chunk(handle, c);
    held.chunk = chunk;
    const rows = duckdb.data_chunk_get_size(chunk);
    if (rows === 0) continue;
    const columns = views.map((View, col) => vectorView(duckdb.data_chunk_get_vector(chunk, col), View, rows));
    onChunk(columns, rows);
  }
  held.chunk = null;
  return true;
}

/** (offset, length) of each list row in a list vector's child; a NULL list reads as empty. */
function listEntries(vector: duckdb.Vector, rows: number, offsets: Uint32Array, lengths: Uint32Array, at: number): void {
  const validity = duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8);
  // Entries are pairs of uint64; within one chunk both halves fit in 32 bits.
  const entries = duckdb.vector_get_data(vector, rows * 16);
  const words = new Uint32Array(entries.buffer, entries.byteOffset, rows * 4);
  for (let i = 0; i < rows; i++) {
    const isNull = validity !== null && (validity[i >> 3]! & (1 << (i & 7))) === 0;
    offsets[at + i] = isNull ? 0 : words[i * 4]!;
    lengths[at + i] = isNull ? 0 : words[i * 4 + 2]!;
  }
}

/**
 * Walks a one-column result of numeric lists chunk by chunk: per list, its offset and length in
 * `values` (the chunk's innermost vector). A list of lists (`DOUBLE[][]`, a footprint's rings)
 * is walked as its inner lists, in order: each ring is one row. Returns false, having called
 * nothing, for any other column type. A NULL list reads as empty, a NULL value as 0.
 */
export function forEachRawListChunk(
  result: DuckDBMaterializedResult,
  onChunk: (offsets: Uint32Array, lengths: Uint32Array, values: NumericArray, rows: number) => void,
): boolean {
  const handle = bindingResult(result);
  if (!handle || result.columnCount !== 1 || result.columnTypeId(0) !== DuckDBTypeId.LIST) return false;
  const element = (result.columnType(0) as DuckDBListType).valueType;
  const nested = element.typeId === DuckDBTypeId.LIST;
  const View = STORAGE[nested ? (element as DuckDBListType).valueType.typeId : element.typeId];
  if (!View) return false;
  const held: { chunk: duckdb.DataChunk | null } = { chunk: null };
  let outerOffsets = new Uint32Array(2048);
  let outerLengths = new Uint32Array(2048);
  let offsets = new Uint32Array(2048);
  let lengths = new Uint32Array(2048);
  const chunks = duckdb.result_chunk_count(handle);
  for (let c = 0; c < chunks; c++) {
    const chunk = duckdb.result_get_chunk(handle, c);
    held.chunk = chunk;
    const rows = duckdb.data_chunk_get_size(chunk);
    if (rows === 0) continue;
    const vector = duckdb.data_chunk_get_vector(chunk, 0);
    if (outerOffsets.length < rows) [outerOffsets, outerLengths] = [new Uint32Array(rows), new Uint32Array(rows)];
    listEntries(vector, rows, nested ? outerOffsets : offsets, nested ? outerLengths : lengths, 0);
    let child = duckdb.list_vector_get_child(vector);
    let size = duckdb.list_vector_get_size(vector);
    let lists = rows;
    if (nested) {
      // The middle vector holds every ring of the chunk; keep the ones the outer rows point at.
      const ringEntries = { offsets: new Uint32Array(size), lengths: new Uint32Array(size) };
      if (size > 0) listEntries(child, size, ringEntries.offsets, ringEntries.lengths, 0);
      lists = 0;
      for (let i = 0; i < rows; i++) lists += outerLengths[i]!;
      if (offsets.length < lists) [offsets, lengths] = [new Uint32Array(lists), new Uint32Array(lists)];
      let k = 0;
      for (let i = 0; i < rows; i++) {
        for (let j = outerOffsets[i]!, end = j + outerLengths[i]!; j < end; j++, k++) {
          offsets[k] = ringEntries.offsets[j]!;
          lengths[k] = ringEntries.lengths[j]!;
        }
      }
      size = duckdb.list_vector_get_size(child);
      child = duckdb.list_vector_get_child(child);
    }
    onChunk(offsets, lengths, size > 0 ? vectorView(child, View, size) : new View(new ArrayBuffer(0), 0, 0), lists);
  }
  held.chunk = null;
  return true;
}
