/**
 * The twin's store: one `.duckdb` file per twin, opened through `@duckdb/node-api`.
 *
 * One DuckDB instance per process (the maintainers advise against several, duckdb-node-neo#122)
 * and one connection for the store's own work; closed explicitly on shutdown because native
 * databases in Electron main have crashed on exit when left to the GC (realm-js#6609).
 */
import {
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBListVector,
  type DuckDBAppender,
  type DuckDBMaterializedResult,
  type DuckDBPreparedStatement,
  JSDuckDBValueConverter,
  type DuckDBValue,
  type DuckDBVector,
} from '@duckdb/node-api';
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { FieldCipher } from './crypto.ts';
import { createFilesOwnerOnly, makeOwnerOnly } from './ownerOnly.ts';
import { settleTwinKey } from './twinKey.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index.ts';
import { forEachRawChunk, forEachRawListChunk, type NumericArray, type NumericCtor } from './rawVectors.ts';

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

export interface OpenOptions {
  /** Create the file (and its key) when absent. Without it a missing file is an error. */
  create?: boolean;
  readOnly?: boolean;
  /** DuckDB worker threads (default: DuckDB's, one per core). See the hosts' `hostDbThreads`. */
  threads?: number;
  /** DuckDB's buffer manager limit, e.g. '2GB' (default: DuckDB's, 80 % of RAM). See the hosts' `hostDbMemoryLimit`. */
  memoryLimit?: string;
  /** The twin's key when the host has it from elsewhere (the OS keychain); else it is loaded as crypto.ts says. */
  key?: FieldCipher;
  /** Open even without the key (work that never reads personal data); a wrong key is still refused. */
  withoutKey?: boolean;
  /** Told what opening the twin finished or cleaned up (an interrupted key rotation). */
  onNote?: (line: string) => void;
}

/**
 * The transactions the current async context runs inside (tokens of `OpenTransaction`, on any
 * handle): their own statements pass the gate every other caller waits at.
 */
const transactionScope = new AsyncLocalStorage<readonly object[]>();

/** A transaction waiting to begin or open on one connection. */
interface OpenTransaction {
  token: object;
  /** Resolves when it has committed or rolled back. */
  ended: Promise<void>;
  /** Run when it ends, with whether it committed (see `afterTransaction`). */
  afterEnd: ((committed: boolean) => void)[];
}

export class DuckDbStore {
  public readonly path: string;
  private cipherInstance: FieldCipher | null;
  private readonly instance: DuckDBInstance;
  private readonly conn: DuckDBConnection;
  private closed = false;
  /** Queries in flight on this handle and on every connection opened from it (see `connectAgain`). */
  private readonly activity: { inFlight: number; idleWaiters: (() => void)[] };
  /** Statements kept prepared on this connection, by SQL text (see `exec`). */
  private readonly statements = new Map<string, { statement: DuckDBPreparedStatement; busy: boolean }>();
  /** Handles opened by `connectAgain`; null on such a handle (it does not own the instance). */
  private readonly extraConnections: DuckDbStore[] | null;
  /** Locks named by callers, shared by every handle on this database (see `lock`). */
  private readonly databaseLocks: Map<string, Promise<void>>;
  /**
   * The transaction waiting to begin or open on this connection. While it is set, statements from
   * other callers wait: DuckDB's transaction belongs to the connection, so a statement run on it
   * meanwhile would join the transaction and vanish with its rollback.
   */
  private openTransaction: OpenTransaction | null = null;
  /** Transactions on this connection run one after another, in the order they asked. */
  private transactionQueue: Promise<void> = Promise.resolve();
  /** Statements outside any transaction running on this connection now; a transaction begins when they are done. */
  private plainRunning = 0;
  private plainIdleWaiters: (() => void)[] = [];

  private constructor(path: string, instance: DuckDBInstance, conn: DuckDBConnection, cipher: FieldCipher | null, parent?: DuckDbStore) {
    this.path = path;
    this.instance = instance;
    this.conn = conn;
    this.cipherInstance = cipher;
    this.activity = parent ? parent.activity : { inFlight: 0, idleWaiters: [] };
    this.extraConnections = parent ? null : [];
    this.databaseLocks = parent ? parent.databaseLocks : new Map();
  }

  /**
   * A second handle on the same database with its own connection. DuckDB transactions belong to a
   * connection: the ingestor's long group-commit transactions must not take in a console write
   * (an acknowledgement, an audit row) made meanwhile on the store's own connection, nor make it
   * wait. Closed with the store; its queries count for `closeWhenIdle`.
   */
  public async connectAgain(): Promise<DuckDbStore> {
    if (!this.extraConnections) throw new Error('connectAgain is called on the store that opened the database.');
    const handle = new DuckDbStore(this.path, this.instance, await this.instance.connect(), this.cipherInstance, this);
    this.extraConnections.push(handle);
    return handle;
  }

  /**
   * The personal-data cipher, checked against the twin when it was opened (twinKey.ts). Loaded here
   * on first use only when the twin was opened without it (`withoutKey`, or no personal data yet).
   */
  public get cipher(): FieldCipher {
    this.cipherInstance ??= FieldCipher.forDatabase(this.path, false);
    return this.cipherInstance;
  }

  public static async open(path: string, options: OpenOptions = {}): Promise<DuckDbStore> {
    const exists = path === ':memory:' || existsSync(path);
    if (!exists && !options.create) {
      throw new Error(`Twin database not found: ${path}. Create one with "civictwin seed --out ${path}".`);
    }
    const onDisk = path !== ':memory:';
    if (onDisk) createFilesOwnerOnly(); // the twin and its log: 0600 (ownerOnly.ts)
    // A new twin gets its key before its file, so a key that cannot be made leaves nothing behind.
    const newKey = !exists ? (options.key ?? FieldCipher.forDatabase(path, true)) : null;
    const instance = await DuckDBInstance.create(path, options.readOnly ? { access_mode: 'READ_ONLY' } : {});
    if (!exists) makeOwnerOnly(path);
    const conn = await instance.connect();
    const store = new DuckDbStore(path, instance, conn, onDisk ? null : new FieldCipher(randomBytes(32)));
    try {
      if (options.threads !== undefined) await conn.run(`SET threads = ${Math.max(1, Math.floor(options.threads))}`);
      if (options.memoryLimit !== undefined) {
        if (!/^\d+(\.\d+)?\s*(MB|GB|MiB|GiB)$/i.test(options.memoryLimit)) throw new Error(`DuckDB memory limit "${options.memoryLimit}" is not a size such as 2GB or 512MB.`);
        await conn.run(`SET memory_limit = '${options.memoryLimit}'`);
      }
      if (!options.readOnly) {
        // Live ingest appends continuously; with DuckDB's default 16 MB threshold it checkpoints
        // every few seconds under load. A larger WAL means fewer stalls; a crash replays it on open.
        await conn.run("SET checkpoint_threshold = '256MB'");
        await store.migrate();
      }
      // A missing or wrong key is refused now, with the fix, not at the first household shown.
      if (onDisk) {
        store.cipherInstance = await settleTwinKey(store, {
          created: !exists, cipher: newKey ?? options.key ?? null, readOnly: Boolean(options.readOnly), withoutKey: Boolean(options.withoutKey), onNote: options.onNote,
        });
      }
    } catch (err) {
      store.close();
      throw err;
    }
    return store;
  }

  /** Applies every migration newer than the file's version, each in its own transaction. */
  public async migrate(): Promise<number[]> {
    await this.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)',
    );
    const applied = new Set((await this.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    const ran: number[] = [];
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await this.transaction(async () => {
        await this.exec(m.sql);
        await this.exec('INSERT INTO schema_migrations VALUES ($1, $2, now()::TIMESTAMP)', [m.version, m.name]);
      });
      ran.push(m.version);
    }
    return ran;
  }

  public async schemaVersion(): Promise<number> {
    const row = await this.one<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    return row?.v ?? 0;
  }

  public static readonly latestSchemaVersion = SCHEMA_VERSION;

  public async run(sql: string, params?: Params): Promise<void> {
    await this.exec(sql, params);
  }

  /**
   * Row objects with JS values (numbers, strings, arrays). For panels and small results only.
   * The finished result's chunks are read synchronously: node-api's reader fetched each chunk
   * (and a last empty one) in its own round trip through the thread pool, and each round trip
   * waited behind whatever the host's main thread was doing (ingest validation, under load).
   */
  public async all<T>(sql: string, params?: Params): Promise<T[]> {
    return rowObjectsJS(await this.exec(sql, params)) as T[];
  }

  public async one<T>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /**
   * Runs `fn` in a transaction; rolls back and rethrows on any error, so nothing is half-written.
   *
   * Transactions on a connection are serialised: while one is open, statements of other callers on
   * this handle wait (and statements already running finish before it begins), so nothing outside
   * `fn` joins it, e.g. an audit row written while another caller's change rolls back. What `fn`
   * awaits runs inside it (AsyncLocalStorage); a `transaction` called from inside joins it.
   * Work `fn` starts without awaiting and that outlives it waits like any other caller.
   */
  public async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.ownsTransaction()) return fn();
    const previous = this.transactionQueue;
    let release!: () => void;
    this.transactionQueue = new Promise<void>((ok) => (release = ok));
    let ended!: () => void;
    const tx: OpenTransaction = { token: {}, ended: new Promise<void>((ok) => (ended = ok)), afterEnd: [] };
    let committed = false;
    try {
      await previous;
      this.openTransaction = tx;
      while (this.plainRunning > 0) await new Promise<void>((ok) => this.plainIdleWaiters.push(ok));
      return await transactionScope.run([...(transactionScope.getStore() ?? []), tx.token], async () => {
        await this.exec('BEGIN TRANSACTION');
        try {
          const out = await fn();
          await this.exec('COMMIT');
          committed = true;
          return out;
        } catch (err) {
          // A COMMIT that failed (disk full) has already ended the transaction; the caller needs the
          // reason it failed, not ROLLBACK's "no transaction is active".
          await this.exec('ROLLBACK').catch(() => undefined);
          throw err;
        }
      });
    } finally {
      if (this.openTransaction === tx) this.openTransaction = null;
      for (const hook of tx.afterEnd) {
        try {
          hook(committed);
        } catch (err) {
          console.error(`after-transaction hook failed: ${(err as Error).message}`);
        }
      }
      ended();
      release();
    }
  }

  /** True when the caller runs inside the transaction open on this connection. */
  public get inTransaction(): boolean {
    return this.ownsTransaction();
  }

  /**
   * Runs `hook(committed)` when the caller's transaction on this connection ends (after COMMIT or
   * ROLLBACK, before the next caller may use the connection). Throws outside a transaction.
   */
  public afterTransaction(hook: (committed: boolean) => void): void {
    if (!this.ownsTransaction()) throw new Error('afterTransaction needs a transaction open on this connection (call it inside store.transaction).');
    this.openTransaction!.afterEnd.push(hook);
  }

  /**
   * A lock shared by every handle on this database, by name: resolves with its release once every
   * earlier holder has released it (first come, first served). Held across connections, e.g. so
   * audit rows written in transactions on different connections still form one chain.
   */
  public async lock(name: string): Promise<() => void> {
    const previous = this.databaseLocks.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((ok) => (release = ok));
    const tail = previous.then(() => mine);
    this.databaseLocks.set(name, tail);
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      if (this.databaseLocks.get(name) === tail) this.databaseLocks.delete(name);
    };
  }

  private ownsTransaction(): boolean {
    const tx = this.openTransaction;
    return tx !== null && (transactionScope.getStore()?.includes(tx.token) ?? false);
  }

  /**
   * Waits while another caller's transaction is open on this connection, then counts the caller's
   * statement as running (it must finish before the next transaction begins); returns its end.
   * Inside the open transaction: passes at once.
   */
  private async enterPlain(): Promise<(() => void) | null> {
    if (this.ownsTransaction()) return null;
    while (this.openTransaction) await this.openTransaction.ended;
    this.plainRunning++;
    return () => {
      if (--this.plainRunning === 0) this.plainIdleWaiters.splice(0).forEach((w) => w());
    };
  }

  /**
   * A DuckDB appender; `catalog` 'temp' for TEMP tables. Outside a transaction it waits for one
   * open on this connection to end, like a statement; append and flush synchronously after it.
   */
  public async appender(table: string, schema: string | null = null, catalog: string | null = null): Promise<DuckDBAppender> {
    const done = await this.enterPlain();
    try {
      return await this.conn.createAppender(table, schema, catalog);
    } finally {
      done?.();
    }
  }

  /**
   * Reads numeric result columns straight from DuckDB's vectors into typed arrays, without
   * building a row object or a JS value per cell. `spec` maps result column names, in order, to
   * the typed array each fills. NULL becomes 0.
   */
  public async columns<S extends Record<string, NumericCtor>>(
    sql: string,
    spec: S,
    params?: Params,
  ): Promise<{ rowCount: number } & { [K in keyof S]: InstanceType<S[K]> }> {
    const result = await this.exec(sql, params);
    const n = result.rowCount;
    const names = Object.keys(spec);
    const out: Record<string, NumericArray> = {};
    for (const name of names) out[name] = new spec[name]!(n);
    let row = 0;
    // `set` converts between typed arrays (e.g. INTEGER storage into a Uint16Array column).
    const raw = forEachRawChunk(result, (views, rows) => {
      names.forEach((name, col) => out[name]!.set(views[col]!, row));
      row += rows;
    });
    for (let c = 0; !raw && c < result.chunkCount; c++) {
      const chunk = result.getChunk(c);
      const rows = chunk.rowCount;
      names.forEach((name, col) => copyVector(chunk.getColumnVector(col), out[name]!, row, rows));
      row += rows;
    }
    return { rowCount: n, ...out } as { rowCount: number } & { [K in keyof S]: InstanceType<S[K]> };
  }

  /**
   * Hands a query's result to `onChunk` chunk by chunk (≤ 2,048 rows each) in reusable typed
   * arrays, so JS never holds the whole result. DuckDB materialises it first (in parallel):
   * measured 4× faster than its streaming API, whose per-chunk cost dominated on 90M rows.
   * `onChunk` gets views valid until it returns.
   */
  public async forEachChunk<S extends Record<string, NumericCtor>>(
    sql: string,
    spec: S,
    onChunk: (cols: { [K in keyof S]: InstanceType<S[K]> }, rows: number) => void,
    params?: Params,
  ): Promise<number> {
    return (await this.materialize(sql, params)).forEachChunk(spec, onChunk);
  }

  /**
   * Runs a query to completion in DuckDB's threads and returns a handle whose chunks JS can walk
   * later. Lets a caller start the next query while it is still processing this one's result:
   * with parameters the statement is kept prepared (see `exec`), so from the second run on the
   * query starts in one native call, at once, rather than after JS is done.
   */
  public async materialize(sql: string, params?: Params): Promise<MaterializedColumns> {
    return new MaterializedColumns(await this.exec(sql, params));
  }

  /**
   * Reads a query whose single column is a numeric list (`DOUBLE[]`) into one flat array plus
   * start offsets, one entry per list. A list of lists (`DOUBLE[][]`) gives one entry per inner
   * list, in order. Walks the vectors' storage: no per-row list objects.
   */
  public async flatLists(
    sql: string,
    target: 'float32' | 'float64',
    params?: Params,
    transform?: (value: number, indexInList: number) => number,
  ): Promise<{ starts: Uint32Array; values: Float32Array | Float64Array }> {
    const result = await this.exec(sql, params);
    const Values = target === 'float32' ? Float32Array : Float64Array;
    let values: Float32Array | Float64Array = new Values(4096);
    let starts = new Uint32Array(1024);
    let total = 0;
    let list = 0;
    const append = (offsets: Uint32Array, lengths: Uint32Array, items: ArrayLike<number>, lists: number): void => {
      if (list + lists + 1 > starts.length) starts = grow(starts, new Uint32Array(Math.max(starts.length * 2, list + lists + 1)));
      for (let i = 0; i < lists; i++) {
        starts[list++] = total;
        const off = offsets[i]!;
        const len = lengths[i]!;
        if (total + len > values.length) values = grow(values, new Values(Math.max(values.length * 2, total + len)));
        if (transform) for (let j = 0; j < len; j++) values[total + j] = transform(items[off + j]!, j);
        else for (let j = 0; j < len; j++) values[total + j] = items[off + j]!;
        total += len;
      }
    };
    if (!forEachRawListChunk(result, append)) forEachPublicListChunk(result, append);
    starts[list] = total;
    return { starts: starts.slice(0, list + 1), values: values.length === total ? values : values.slice(0, total) };
  }

  /** Forces the WAL into the main file; used after bulk loads so the file is self-contained. */
  public async checkpoint(): Promise<void> {
    await this.exec('CHECKPOINT');
  }

  /** Queries in flight are counted: closing under one blocks the thread its completion needs (a deadlock). */
  private async tracked<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('The twin database is closed.');
    const a = this.activity;
    a.inFlight++;
    try {
      return await work();
    } finally {
      if (--a.inFlight === 0) a.idleWaiters.splice(0).forEach((w) => w());
    }
  }

  /**
   * Runs a statement. One with parameters is prepared once per connection and kept (up to
   * STATEMENT_CACHE): `run(sql, params)` parses, prepares and binds in three round trips, each
   * waiting for the main thread; a kept statement is bound and run in one. A statement in use by
   * a concurrent call is not shared: that call takes the uncached path. DuckDB rebinds a kept
   * statement itself when the schema has changed since it was prepared.
   */
  private exec(sql: string, params?: Params): Promise<DuckDBMaterializedResult> {
    return this.tracked(async () => {
      const done = await this.enterPlain();
      try {
        return await this.execNow(sql, params);
      } finally {
        done?.();
      }
    });
  }

  private async execNow(sql: string, params?: Params): Promise<DuckDBMaterializedResult> {
    // No parameters to bind: run it as it is. A kept prepared statement with nothing bound
    // (`{}`), run again after its table changed, returned garbage rows (a storm "J" of agency "E"
    // whose year changed from read to read; tests/unit/store.test.ts has the case).
    if (!params || (Array.isArray(params) ? params.length === 0 : Object.keys(params).length === 0)) return this.conn.run(sql);
    let kept = this.statements.get(sql);
    if (!kept) {
      const statement = await this.conn.prepare(sql).catch(() => null);
      if (!statement) return this.conn.run(sql, params); // reports the error as it always did
      kept = this.statements.get(sql);
      if (kept) statement.destroySync(); // another call kept one meanwhile
      else {
        kept = { statement, busy: false };
        this.statements.set(sql, kept);
        this.evictStatements();
      }
    }
    if (kept.busy) return this.conn.run(sql, params);
    kept.busy = true;
    try {
      kept.statement.bind(params);
      return await kept.statement.run();
    } finally {
      kept.busy = false;
    }
  }

  private evictStatements(): void {
    for (const [sql, kept] of this.statements) {
      if (this.statements.size <= STATEMENT_CACHE) return;
      if (kept.busy) continue;
      kept.statement.destroySync();
      this.statements.delete(sql);
    }
  }

  /**
   * Waits for queries in flight (at most `timeoutMs`), then closes. Hosts call this on shutdown:
   * `closeSync` while an async query runs deadlocks the process.
   */
  public async closeWhenIdle(timeoutMs = 15_000): Promise<void> {
    if (this.activity.inFlight > 0) {
      await Promise.race([new Promise<void>((ok) => this.activity.idleWaiters.push(ok)), new Promise((ok) => setTimeout(ok, timeoutMs))]);
    }
    this.close();
  }

  public close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.forEach((kept) => kept.statement.destroySync());
    this.statements.clear();
    this.extraConnections?.forEach((c) => c.close());
    this.conn.closeSync();
    // Only the handle that opened the instance closes it.
    if (this.extraConnections) this.instance.closeSync();
  }
}

/** Prepared statements kept per connection (the app has a few dozen distinct queries). */
const STATEMENT_CACHE = 64;

/** A finished result as row objects with JS values, read without a round trip per chunk. */
function rowObjectsJS(result: DuckDBMaterializedResult): Record<string, unknown>[] {
  const names = result.deduplicatedColumnNames();
  const rows: Record<string, unknown>[] = [];
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    for (let r = 0; r < chunk.rowCount; r++) {
      const row: Record<string, unknown> = {};
      chunk.visitRowValues(r, (value, _row, col, type) => {
        row[names[col]!] = JSDuckDBValueConverter(value, type, JSDuckDBValueConverter);
      });
      rows.push(row);
    }
  }
  return rows;
}

/** A finished query result, read chunk by chunk into reusable typed arrays. */
export class MaterializedColumns {
  public constructor(private readonly result: DuckDBMaterializedResult) {}

  public forEachChunk<S extends Record<string, NumericCtor>>(
    spec: S,
    onChunk: (cols: { [K in keyof S]: InstanceType<S[K]> }, rows: number) => void,
  ): number {
    const result = this.result;
    const names = Object.keys(spec);
    const buffers: Record<string, NumericArray> = {};
    for (const name of names) buffers[name] = new spec[name]!(2048);
    let total = 0;
    const raw = forEachRawChunk(result, (columns, rows) => {
      const views: Record<string, NumericArray> = {};
      names.forEach((name, col) => {
        const column = columns[col]!;
        if (column.constructor === spec[name]) {
          views[name] = column; // DuckDB's own memory, no copy
          return;
        }
        if (buffers[name]!.length < rows) buffers[name] = new spec[name]!(rows);
        buffers[name]!.set(column);
        views[name] = buffers[name]!.subarray(0, rows);
      });
      onChunk(views as { [K in keyof S]: InstanceType<S[K]> }, rows);
      total += rows;
    });
    if (raw) return total;
    for (let c = 0; c < result.chunkCount; c++) {
      const chunk = result.getChunk(c);
      if (chunk.rowCount === 0) continue;
      const rows = chunk.rowCount;
      const views: Record<string, NumericArray> = {};
      names.forEach((name, col) => {
        if (buffers[name]!.length < rows) buffers[name] = new spec[name]!(rows);
        copyVector(chunk.getColumnVector(col), buffers[name]!, 0, rows);
        views[name] = buffers[name]!.subarray(0, rows);
      });
      onChunk(views as { [K in keyof S]: InstanceType<S[K]> }, rows);
      total += rows;
    }
    return total;
  }
}

function grow<T extends NumericArray>(from: T, into: T): T {
  into.set(from);
  return into;
}

/**
 * `forEachRawListChunk` through node-api's public list vectors, for when the raw path is not
 * available: the same callback, one chunk at a time, with inner lists as rows for `T[][]`.
 */
function forEachPublicListChunk(
  result: DuckDBMaterializedResult,
  onChunk: (offsets: Uint32Array, lengths: Uint32Array, values: ArrayLike<number>, lists: number) => void,
): void {
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    if (chunk.rowCount === 0) continue;
    const outer = chunk.getColumnVector(0) as DuckDBListVector;
    const nested = outer.childVector instanceof DuckDBListVector;
    const lists = nested ? (outer.childVector as DuckDBListVector) : outer;
    // Row indices into `lists`; -1 for a NULL list (read as empty, as on the raw path).
    const rows: number[] = [];
    for (let i = 0; i < chunk.rowCount; i++) {
      const isNull = outer.getItemVector(i) === null;
      if (!nested) rows.push(isNull ? -1 : i);
      else if (!isNull) for (let j = 0; j < outer.getEntryLength(i); j++) rows.push(lists.getItemVector(outer.getEntryOffset(i) + j) === null ? -1 : outer.getEntryOffset(i) + j);
    }
    const leaf = lists.childVector;
    const values = new Float64Array(leaf.itemCount);
    for (let k = 0; k < values.length; k++) values[k] = Number(leaf.getItem(k) ?? 0);
    const offsets = Uint32Array.from(rows, (r) => (r < 0 ? 0 : lists.getEntryOffset(r)));
    const lengths = Uint32Array.from(rows, (r) => (r < 0 ? 0 : lists.getEntryLength(r)));
    onChunk(offsets, lengths, values, rows.length);
  }
}

/**
 * The public-path copy, for results `rawVectors.ts` cannot read (a BIGINT or DECIMAL column…):
 * one `getItem` per cell. NULL becomes 0.
 */
function copyVector(vec: DuckDBVector, dst: NumericArray, offset: number, rows: number): void {
  for (let i = 0; i < rows; i++) {
    const v = vec.getItem(i);
    dst[offset + i] = v === null ? 0 : typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? (v ? 1 : 0) : (v as number);
  }
}
