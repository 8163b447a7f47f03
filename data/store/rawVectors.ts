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
 * Only fixed-width numeric types whose storage matches a JS typed array (and 64-bit integers,
 * widened to float64) go this way; the caller falls back to node-api's public path for anything
 * else (decided once per result, from its column types). NULL cells (from the validity mask) are
 * read as 0, as on the public path.
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

/**
 * 64-bit integers (what `count(*)`, `len()` and sums give) are read through their storage and
 * handed over as float64, exact below 2^53.
 */
const WIDE: Partial<Record<DuckDBTypeId, BigInt64ArrayConstructor | BigUint64ArrayConstructor>> = {
  [DuckDBTypeId.BIGINT]: BigInt64Array,
  [DuckDBTypeId.UBIGINT]: BigUint64Array,
};

/** How a column is read: a view of its storage, or a 64-bit integer column widened to float64. */
type ColumnReader = (vector: duckdb.Vector, rows: number) => NumericArray;
function columnReader(typeId: DuckDBTypeId): ColumnReader | null {
  const View = STORAGE[typeId];
  if (View) return (vector, rows) => vectorView(vector, View, rows);
  const Wide = WIDE[typeId];
  if (!Wide) return null;
  return (vector, rows) => {
    const data = duckdb.vector_get_data(vector, rows * 8);
    const wide = new Wide(data.buffer as ArrayBuffer, data.byteOffset, rows);
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) out[i] = Number(wide[i]!);
    return zeroNulls(vector, out, rows, false);
  };
}

/** The binding's handle behind a node-api result (a protected field); null if it is not there. */
function bindingResult(result: DuckDBMaterializedResult): duckdb.Result | null {
  const handle = (result as unknown as { result?: unknown }).result;
  return handle !== null && typeof handle === 'object' ? (handle as duckdb.Result) : null;
}

/** A numeric view of one vector's first `rows` cells, with NULL cells set to 0 (then a copy). */
function vectorView(vector: duckdb.Vector, View: ViewCtor, rows: number): NumericArray {
  const bytes = (View as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const data = duckdb.vector_get_data(vector, rows * bytes);
  return zeroNulls(vector, new View(data.buffer, data.byteOffset, rows), rows, true);
}

/** `values` with the vector's NULL cells set to 0; copied first when it is DuckDB's own memory. */
function zeroNulls(vector: duckdb.Vector, values: NumericArray, rows: number, shared: boolean): NumericArray {
  const validity = duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8);
  if (validity === null) return values;
  const out = shared ? values.slice() : values;
  for (let i = 0; i < rows; i++) if ((validity[i >> 3]! & (1 << (i & 7))) === 0) out[i] = 0;
  return out;
}

/**
 * Calls `visit` for each non-empty chunk of a finished result. The chunk owns the memory any view
 * made from it looks at, so it stays referenced until `visit` returns (a local that is not read
 * again may be collected, and its finalizer frees the chunk).
 */
function forEachChunkOf(handle: duckdb.Result, visit: (chunk: duckdb.DataChunk, rows: number) => void): void {
  const held: { chunk: duckdb.DataChunk | null } = { chunk: null };
  const chunks = duckdb.result_chunk_count(handle);
  for (let c = 0; c < chunks; c++) {
    const chunk = duckdb.result_get_chunk(handle, c);
    held.chunk = chunk;
    const rows = duckdb.data_chunk_get_size(chunk);
    if (rows > 0) visit(chunk, rows);
  }
  held.chunk = null;
}

/**
 * Walks a result chunk by chunk, handing each column as a view of DuckDB's storage type (Int32
 * for INTEGER and DATE, Float32 for FLOAT…; BIGINT as float64), valid only during the call.
 * Returns false, having called nothing, when some column has no such storage (the caller then
 * takes the public path).
 */
export function forEachRawChunk(result: DuckDBMaterializedResult, onChunk: (columns: NumericArray[], rows: number) => void): boolean {
  const handle = bindingResult(result);
  if (!handle) return false;
  const readers: ColumnReader[] = [];
  for (let col = 0; col < result.columnCount; col++) {
    const read = columnReader(result.columnTypeId(col));
    if (!read) return false;
    readers.push(read);
  }
  forEachChunkOf(handle, (chunk, rows) => {
    onChunk(
      readers.map((read, col) => read(duckdb.data_chunk_get_vector(chunk, col), rows)),
      rows,
    );
  });
  return true;
}

/** (offset, length) of each list row in a list vector's child; a NULL list reads as empty. */
function listEntries(vector: duckdb.Vector, rows: number, offsets: Uint32Array, lengths: Uint32Array): void {
  const validity = duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8);
  // Entries are pairs of uint64; within one chunk both halves fit in 32 bits.
  const entries = duckdb.vector_get_data(vector, rows * 16);
  const words = new Uint32Array(entries.buffer, entries.byteOffset, rows * 4);
  for (let i = 0; i < rows; i++) {
    const isNull = validity !== null && (validity[i >> 3]! & (1 << (i & 7))) === 0;
    offsets[i] = isNull ? 0 : words[i * 4]!;
    lengths[i] = isNull ? 0 : words[i * 4 + 2]!;
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
  // A chunk holds at most 2,048 rows; the inner lists of a nested chunk can be more.
  const outer = { offsets: new Uint32Array(2048), lengths: new Uint32Array(2048) };
  let offsets = new Uint32Array(2048);
  let lengths = new Uint32Array(2048);
  forEachChunkOf(handle, (chunk, rows) => {
    const vector = duckdb.data_chunk_get_vector(chunk, 0);
    let child = duckdb.list_vector_get_child(vector);
    let size = duckdb.list_vector_get_size(vector);
    let lists = rows;
    if (!nested) listEntries(vector, rows, offsets, lengths);
    else {
      listEntries(vector, rows, outer.offsets, outer.lengths);
      // The middle vector holds every ring of the chunk; keep the ones the outer rows point at.
      const rings = { offsets: new Uint32Array(size), lengths: new Uint32Array(size) };
      if (size > 0) listEntries(child, size, rings.offsets, rings.lengths);
      lists = 0;
      for (let i = 0; i < rows; i++) lists += outer.lengths[i]!;
      if (offsets.length < lists) [offsets, lengths] = [new Uint32Array(lists), new Uint32Array(lists)];
      let k = 0;
      for (let i = 0; i < rows; i++) {
        for (let j = outer.offsets[i]!, end = j + outer.lengths[i]!; j < end; j++, k++) {
          offsets[k] = rings.offsets[j]!;
          lengths[k] = rings.lengths[j]!;
        }
      }
      size = duckdb.list_vector_get_size(child);
      child = duckdb.list_vector_get_child(child);
    }
    onChunk(offsets, lengths, size > 0 ? vectorView(child, View, size) : new View(new ArrayBuffer(0), 0, 0), lists);
  });
  return true;
}
