/**
 * What the fuzzer sends as event text: valid events (README "Ingest API"), malformed event lines
 * made by mutating valid ones or by building them from a grammar of wrong values, and named
 * whole-payload attacks (deep nesting, floods of tiny lines, broken Unicode, huge numbers) that
 * every transport carries: as an HTTP body, a WebSocket message and an MQTT payload.
 *
 * Everything is fixed by the seed except timestamps, which are made relative to now (the host
 * refuses events more than 5 minutes ahead or 30 days old).
 */
import type { Rng } from './rng.ts';

export interface CorpusContext {
  /** A point inside the twin, so valid events pass the host's 30 km bounds check. */
  lon: number;
  lat: number;
  /** Prefix of every generated event id (one run's ids never meet another's). */
  runTag: string;
}

/** A line of event text: usually a string, Bytes where it must hold invalid UTF-8. */
export type LineText = string | Buffer;

/** A whole payload with a name, sent as one body / message / MQTT payload. */
export interface NamedPayload {
  name: string;
  payload: Buffer;
  /** Malformed inputs it holds (1 for a blob, the line count for a list of bad lines). */
  malformed: number;
  /** Takes seconds to minutes against today's host: only in long runs. */
  heavy?: boolean;
}

const CATEGORIES = ['street_vending', 'garbage', 'waterlogging', 'streetlight', 'noise', 'fire', 'medical', 'elderly_care', 'facility_damage', 'other'];
const REPORTERS = ['resident', 'camera', 'grid_worker', 'sensor', 'hotline', 'platform', 'meter'];
const STATUSES = ['accepted', 'dispatched', 'reassigned', 'handling', 'feedback', 'evaluated', 'closed', 'cancelled'];
const SENSOR_KINDS = ['water_level', 'rain', 'wind', 'camera', 'smoke'];

/** Integers the store keeps in 32 bits (or fewer) but JSON and zod's int() happily accept. */
const HUGE_INTEGERS = [2 ** 31, 2 ** 31 + 7, 2 ** 32, 2 ** 40, 2 ** 53 - 1, 2 ** 53 + 2, 1e21, 65536, 256];
/** Number spellings that parse to something surprising: Infinity, -0, 0, rounding. */
const NUMBER_TEXT = ['1e309', '-1e309', '-0', '1e-400', '-1e-400', '123456789012345678901234567890', '0.1e1', '1E2', '4.9e-324', '1.7976931348623157e308', '00', '-', '1.', '.5', '+1', '0x10', 'NaN', 'Infinity', '1_000'];
const JSON_CHARS = '{}[]":,\\';
const WEIRD_STRINGS = [
  '', ' ', '\u0000', '\t\r\n', '\\', '"', '\u2028\u2029', '\ufeff', '\ud800', '\udfff', '\udc00\ud800', '😀', '中文', '\u200b', 'a'.repeat(129), 'x'.repeat(501),
  '../../etc/passwd', "'; DROP TABLE events; --", '%00', '${jndi:ldap://x}', '<script>alert(1)</script>', 'null', 'true',
];

export class EventCorpus {
  private readonly rng: Rng;
  private readonly ctx: CorpusContext;
  private serial = 0;
  /** Valid events rendered once; mutations start from these so a malformed line costs ~1 µs. */
  private readonly templates: string[] = [];

  public constructor(rng: Rng, ctx: CorpusContext) {
    this.rng = rng;
    this.ctx = ctx;
    for (let i = 0; i < 256; i++) this.templates.push(JSON.stringify(this.validEvent(`${ctx.runTag}-tpl-${i}`)));
  }

  /** A fresh event id of this run. */
  public nextId(): string {
    return `${this.ctx.runTag}-${++this.serial}`;
  }

  /** A valid event of a random type, stamped a few seconds ago. */
  public validEvent(id = this.nextId()): Record<string, unknown> {
    const r = this.rng;
    const ts = new Date(Date.now() - r.int(1, 120) * 1000).toISOString();
    const lon = this.ctx.lon + r.int(-500, 500) * 1e-5;
    const lat = this.ctx.lat + r.int(-500, 500) * 1e-5;
    const source = r.pick(['camera-7', 'gps', 'hotline', 'meter-headend', 'fuzz']);
    switch (r.int(0, 4)) {
      case 0:
        return { id, type: 'incident.reported', ts, source, data: { incidentId: `F-${id}`, category: r.pick(CATEGORIES), severity: r.int(1, 4), lon, lat, reporter: r.pick(REPORTERS), description: '垃圾桶满溢 fuzz' } };
      case 1:
        return { id, type: 'incident.status', ts, source, data: { incidentId: `F-${id}`, status: r.pick(STATUSES), assignee: { kind: 'grid_worker', id: r.int(1, 500) }, actor: 'fuzz', rating: r.int(1, 5) } };
      case 2:
        return { id, type: 'meter.reading', ts, source, data: { householdId: r.int(1, 30_000), intervalMin: 60, waterL: r.int(0, 5000) / 10, powerKwh: r.int(0, 300) / 100 } };
      case 3:
        return { id, type: 'resource.position', ts, source, data: { resourceId: r.int(1, 10_000), lon, lat, heading: r.int(0, 359), speed: r.int(0, 30), status: 'en_route' } };
      default:
        return { id, type: 'sensor.reading', ts, source, data: { sensorId: `S-${r.int(1, 99)}`, kind: r.pick(SENSOR_KINDS), value: r.int(0, 1000) / 10, unit: 'm', lon, lat } };
    }
  }

  /** A valid incident report with a chosen incident id (to look it up through the contract). */
  public incidentLine(incidentId: string): string {
    const ts = new Date(Date.now() - 1000).toISOString();
    return JSON.stringify({ id: this.nextId(), type: 'incident.reported', ts, source: 'fuzz', data: { incidentId, category: 'other', severity: 1, lon: this.ctx.lon, lat: this.ctx.lat, reporter: 'platform' } });
  }

  public validLine(): string {
    return JSON.stringify(this.validEvent());
  }

  /** One malformed event line, by mutation or from the grammar of wrong values. */
  public malformedLine(): LineText {
    const r = this.rng;
    const t = r.pick(this.templates);
    switch (r.weighted(MUTATIONS)) {
      case 'truncate':
        return t.slice(0, r.int(0, t.length - 1));
      case 'flip': {
        const at = r.int(0, t.length - 1);
        return t.slice(0, at) + r.pick([...JSON_CHARS, '\u0000', '\u007f', 'é', '\ud800']) + t.slice(at + 1);
      }
      case 'delete': {
        const a = r.int(0, t.length - 2);
        return t.slice(0, a) + t.slice(a + r.int(1, Math.min(40, t.length - a)));
      }
      case 'insert': {
        const at = r.int(0, t.length);
        return t.slice(0, at) + r.pick(WEIRD_STRINGS) + r.pick([...JSON_CHARS]) + t.slice(at);
      }
      case 'duplicate': {
        const a = r.int(0, t.length - 2);
        const b = r.int(a + 1, t.length);
        return t.slice(0, b) + t.slice(a, b) + t.slice(b);
      }
      case 'wrongValue':
        return this.wrongValueLine();
      case 'numberText':
        return this.numberTextLine();
      case 'hugeInteger':
        return this.hugeIntegerLine();
      case 'unicode':
        return this.unicodeLine();
      case 'invalidUtf8':
        return this.invalidUtf8Line();
      case 'nesting':
        return this.nestedLine(r.int(2, 3000));
      case 'notAnEvent':
        return r.pick(['null', 'true', '1', '"x"', '[]', '{}', '[{}]', '\ufeff{}', '{"id":"a"}', '{"batch":1}', '\r', ' \t ', '\u0000', '{"id":"x","type":"incident.reported"}']);
      default:
        return this.forbiddenKeyLine();
    }
  }

  /** A valid event with one field set to a value of the wrong type, range or enum. */
  private wrongValueLine(): string {
    const r = this.rng;
    const e = this.validEvent() as { data: Record<string, unknown> } & Record<string, unknown>;
    const bad: unknown = r.pick([null, true, -1, 1.5, 1e308, '', 'x', [], {}, [1, 2], { a: 1 }, 'NaN', '1', r.pick(WEIRD_STRINGS)]);
    const where = r.int(0, 9);
    if (where < 3) {
      const key = r.pick(Object.keys(e.data));
      e.data[key] = bad;
    } else if (where < 5) {
      e[r.pick(['id', 'type', 'ts', 'source', 'data'])] = bad;
    } else if (where < 6) {
      e.data[r.pick(['extra', 'Lon', 'lat ', 'severity2', ''])] = 1; // unknown field
    } else if (where < 7) {
      delete e[r.pick(['id', 'type', 'ts', 'source', 'data'])];
    } else if (where < 8) {
      e.ts = r.pick(['2026-13-45T00:00:00Z', '2099-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'yesterday', '2026-11-25T08:14:03', '2026-11-25T25:00:00Z', 1732500000000]);
    } else if (where < 9) {
      e.type = r.pick(['incident.deleted', 'INCIDENT.REPORTED', 'incident.reported ', '', 'constructor', 'toString']);
    } else {
      e.data.lon = r.pick([181, -181, 1000, 0, 121.42 + 5]);
      e.data.lat = r.pick([91, -91, 0, 28.38 + 5]);
    }
    return JSON.stringify(e);
  }

  /** An event whose number fields are spelt as JSON allows but the host may not expect. */
  private numberTextLine(): string {
    const r = this.rng;
    const n = r.pick(NUMBER_TEXT);
    const id = JSON.stringify(this.nextId());
    const ts = JSON.stringify(new Date(Date.now() - 5000).toISOString());
    return r.pick([
      `{"id":${id},"type":"resource.position","ts":${ts},"source":"gps","data":{"resourceId":1,"lon":${n},"lat":${this.ctx.lat}}}`,
      `{"id":${id},"type":"sensor.reading","ts":${ts},"source":"s","data":{"sensorId":"S1","kind":"rain","value":${n}}}`,
      `{"id":${id},"type":"meter.reading","ts":${ts},"source":"m","data":{"householdId":${n},"intervalMin":60,"waterL":1}}`,
      `{"id":${id},"type":"incident.reported","ts":${ts},"source":"c","data":{"incidentId":"I","category":"garbage","severity":${n},"lon":${this.ctx.lon},"lat":${this.ctx.lat},"reporter":"camera"}}`,
    ]);
  }

  /** Integers past 32 bits where the store keeps INTEGER / UTINYINT / USMALLINT columns. */
  private hugeIntegerLine(): string {
    const r = this.rng;
    const n = r.pick(HUGE_INTEGERS);
    const e = this.validEvent() as { type: string; data: Record<string, unknown> };
    switch (e.type) {
      case 'incident.reported':
        e.data.buildingId = n;
        break;
      case 'incident.status':
        e.data.assignee = { kind: 'department', id: n };
        break;
      case 'meter.reading':
        e.data.householdId = n;
        break;
      case 'resource.position':
        e.data.resourceId = n;
        break;
      default:
        e.data.value = r.pick([1e308, -1e308, Number.MAX_VALUE]);
    }
    return JSON.stringify(e);
  }

  /** Lone surrogates written as JSON escapes (valid JSON, not valid Unicode) in string fields. */
  private unicodeLine(): string {
    const r = this.rng;
    const bad = r.pick(['\\ud800', '\\udfff', '\\udbff\\u0041', 'ok\\ud83d', '\\udc00\\ud800', '\\u0000', '\\ud83d\\ude00']);
    const id = JSON.stringify(this.nextId());
    const ts = JSON.stringify(new Date(Date.now() - 5000).toISOString());
    return r.pick([
      `{"id":${id},"type":"sensor.reading","ts":${ts},"source":"s${bad}","data":{"sensorId":"S1","kind":"rain","value":1}}`,
      `{"id":${id},"type":"incident.reported","ts":${ts},"source":"c","data":{"incidentId":"I${bad}","category":"garbage","severity":2,"lon":${this.ctx.lon},"lat":${this.ctx.lat},"reporter":"camera","description":"${bad}"}}`,
      `{"id":"x${bad}","type":"sensor.reading","ts":${ts},"source":"s","data":{"sensorId":"S1","kind":"rain","value":1,"unit":"${bad}"}}`,
      `{"id":${id},"type":"incident.status","ts":${ts},"source":"c","data":{"incidentId":"I","status":"accepted","note":"${bad}","actor":"${bad}"}}`,
    ]);
  }

  /** A valid-looking event with bytes that are not UTF-8 inside a string. */
  private invalidUtf8Line(): Buffer {
    const r = this.rng;
    const seq = r.pick([[0xff], [0xc3, 0x28], [0xc0, 0xaf], [0xe4, 0xb8], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xf4, 0x90, 0x80, 0x80]]);
    const t = r.pick(this.templates);
    const at = t.indexOf('"source":"') + 10;
    return Buffer.concat([Buffer.from(t.slice(0, at)), Buffer.from(seq), Buffer.from(t.slice(at))]);
  }

  /** An event whose data (or the whole line) is nested `depth` deep. */
  public nestedLine(depth: number): string {
    const r = this.rng;
    const open = r.pick(['[', '{"a":']);
    const close = open === '[' ? ']' : '}';
    const inner = open.repeat(depth) + '1' + close.repeat(depth);
    if (r.chance(0.5)) return inner;
    return `{"id":${JSON.stringify(this.nextId())},"type":"sensor.reading","ts":"${new Date().toISOString()}","source":"s","data":{"sensorId":"S","kind":"rain","value":1,"x":${inner}}}`;
  }

  private forbiddenKeyLine(): string {
    const r = this.rng;
    const key = r.pick(['__proto__', 'constructor', 'prototype']);
    const t = r.pick(this.templates);
    return r.chance(0.5) ? `{"${key}":{"polluted":1},` + t.slice(1) : t.replace('"data":{', `"data":{"${key}":{"isAdmin":true},`);
  }

  /**
   * An NDJSON batch: `lines` lines, about `validShare` of them valid events with fresh ids.
   * Returns the bytes and what they hold.
   */
  public batch(lines: number, validShare: number): { body: Buffer; malformed: number; valid: number } {
    const parts: LineText[] = [];
    let malformed = 0;
    let valid = 0;
    let bytes = false;
    for (let i = 0; i < lines; i++) {
      if (this.rng.chance(validShare)) {
        parts.push(this.validLine());
        valid++;
      } else {
        let line = this.malformedLine();
        // A newline inside a mutated line would split it into two inputs; keep one line one input.
        if (typeof line === 'string' && /[\r\n]/.test(line)) line = line.replace(/[\r\n]/g, ' ');
        parts.push(line);
        malformed++;
        if (typeof line !== 'string') bytes = true;
      }
    }
    const body = bytes
      ? Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [toBuffer(p)] : [NEWLINE, toBuffer(p)])))
      : Buffer.from((parts as string[]).join('\n'));
    return { body, malformed, valid };
  }

  /** A JSON array body of valid events and wrong values (each element one input). */
  public arrayBatch(elements: number, validShare: number): { body: Buffer; malformed: number; valid: number } {
    const parts: string[] = [];
    let malformed = 0;
    let valid = 0;
    for (let i = 0; i < elements; i++) {
      if (this.rng.chance(validShare)) {
        parts.push(this.validLine());
        valid++;
      } else {
        parts.push(this.rng.chance(0.5) ? this.wrongValueLine() : this.hugeIntegerLine());
        malformed++;
      }
    }
    return { body: Buffer.from(`[${parts.join(',')}]`), malformed, valid };
  }

  /**
   * The named payload attacks, one of each, in a fixed order. The issue's reported crashes and
   * amplifications are all here: deep nesting, 1 MB of "1\n", lone surrogates, invalid UTF-8,
   * a 16 KB line cut inside a multi-byte character, integers past 2^31, 1e309, -0, 1e-400.
   */
  public payloadAttacks(): NamedPayload[] {
    const ts = new Date(Date.now() - 5000).toISOString();
    const ev = (data: string, type = 'sensor.reading', id = this.nextId()): string =>
      `{"id":"${id}","type":"${type}","ts":"${ts}","source":"fuzz","data":${data}}`;
    const pos = (extra: string): string => ev(`{"resourceId":1,"lon":${this.ctx.lon},"lat":${this.ctx.lat}${extra}}`, 'resource.position');
    const lines = (name: string, ls: LineText[], heavy = false): NamedPayload => ({
      name,
      payload: Buffer.concat(ls.flatMap((p, i) => (i === 0 ? [toBuffer(p)] : [NEWLINE, toBuffer(p)]))),
      malformed: ls.length,
      heavy,
    });
    const blob = (name: string, text: string | Buffer, heavy = false): NamedPayload => ({ name, payload: toBuffer(text), malformed: 1, heavy });
    // 16 KB (UTF-16 units, as the host measures) with an emoji across the 16,384 boundary, so a
    // cut at that index leaves half a surrogate pair; and the same cut in bytes inside a 3-byte char.
    const head = `{"id":"${this.nextId()}","type":"incident.reported","ts":"${ts}","source":"fuzz","data":{"incidentId":"CUT","category":"other","severity":1,"lon":${this.ctx.lon},"lat":${this.ctx.lat},"reporter":"resident","description":"`;
    const astral = head + 'x'.repeat(16 * 1024 - 1 - head.length) + '😀'.repeat(8) + '"}}';
    const cjk = Buffer.from(head + '中'.repeat(6000) + '"}}');
    const cjkCut = cjk.subarray(0, 16 * 1024 + 1); // 16 KB + 1 byte: ends inside a 3-byte char
    const cjkCutLine = Buffer.from(cjk.subarray(0, cjk.indexOf(Buffer.from('中')) + 3 * 100 + 1));
    return [
      blob('deep nesting: [ × 5,000', '['.repeat(5000) + ']'.repeat(5000)),
      blob('deep nesting: {"a": × 5,000', '{"a":'.repeat(5000) + '1' + '}'.repeat(5000)),
      blob('deep nesting: [ × 100,000 (a 200 KB JSON array)', '['.repeat(100_000) + ']'.repeat(100_000)),
      blob('deep nesting: [ × 500,000, never closed', '['.repeat(500_000)),
      blob('deep nesting inside an event: data.x 20,000 deep', ev(`{"sensorId":"S","kind":"rain","value":1,"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`)),
      blob('deep nesting: event array of 10,000-deep objects', `[${ev(`{"sensorId":"S","kind":"rain","value":1,"x":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`)}]`),
      blob('1 MB of "1\\n" lines', '1\n'.repeat(512 * 1024)),
      blob('8 MB − 1 of "1\\n" lines', '1\n'.repeat(4 * 1024 * 1024 - 1), true),
      blob('JSON array of 200,000 nulls', `[${Array.from({ length: 200_000 }, () => 'null').join(',')}]`),
      blob('one 8 MB − 16 line of "x"', 'x'.repeat(8 * 1024 * 1024 - 16)),
      lines('lone surrogate escapes in strings', [
        ev('{"sensorId":"S\\ud800","kind":"rain","value":1}'),
        ev('{"sensorId":"S","kind":"rain","value":1,"unit":"\\udfff"}'),
        ev(`{"incidentId":"I\\udbff","category":"garbage","severity":2,"lon":${this.ctx.lon},"lat":${this.ctx.lat},"reporter":"camera","description":"\\ud83d"}`, 'incident.reported'),
        `{"id":"${this.nextId()}","type":"sensor.reading","ts":"${ts}","source":"src\\ud800","data":{"sensorId":"S","kind":"rain","value":1}}`,
        `{"id":"${this.nextId()}\\ud800","type":"sensor.reading","ts":"${ts}","source":"s","data":{"sensorId":"S","kind":"rain","value":1}}`,
        ev('{"incidentId":"I","status":"accepted","note":"\\udc00\\ud800"}', 'incident.status'),
      ]),
      lines('invalid UTF-8 bytes in strings', [
        Buffer.concat([Buffer.from(ev('{"sensorId":"S').slice(0)), Buffer.from([0xff, 0xfe]), Buffer.from('","kind":"rain","value":1}}')]).subarray(0),
        Buffer.concat([Buffer.from(`{"id":"${this.nextId()}","type":"sensor.reading","ts":"${ts}","source":"`), Buffer.from([0xc0, 0xaf]), Buffer.from('","data":{"sensorId":"S","kind":"rain","value":1}}')]),
        Buffer.concat([Buffer.from(`{"id":"${this.nextId()}","type":"sensor.reading","ts":"${ts}","source":"`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('","data":{"sensorId":"S","kind":"rain","value":1}}')]),
        Buffer.concat([Buffer.from(`{"id":"${this.nextId()}","type":"sensor.reading","ts":"${ts}","source":"`), Buffer.from([0xe4, 0xb8]), Buffer.from('","data":{"sensorId":"S","kind":"rain","value":1}}')]),
        Buffer.from([0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d]),
      ]),
      lines('16 KB line cut inside a multi-byte character', [astral, cjkCut, cjkCutLine]),
      lines('integers ≥ 2^31 where the store keeps 32 bits', [
        pos('').replace('"resourceId":1', `"resourceId":${2 ** 31}`),
        ev(`{"householdId":${2 ** 31},"intervalMin":60,"waterL":1}`, 'meter.reading'),
        ev(`{"householdId":${2 ** 53 + 2},"intervalMin":60,"waterL":1}`, 'meter.reading'),
        ev(`{"incidentId":"I","category":"garbage","severity":2,"lon":${this.ctx.lon},"lat":${this.ctx.lat},"reporter":"camera","buildingId":${2 ** 32}}`, 'incident.reported'),
        ev(`{"incidentId":"I","status":"dispatched","assignee":{"kind":"department","id":${2 ** 31}}}`, 'incident.status'),
        ev(`{"incidentId":"I","status":"evaluated","rating":5,"assignee":{"kind":"grid_worker","id":1e21}}`, 'incident.status'),
      ]),
      lines('1e309, -0, 1e-400 and other number spellings', [
        pos(',"speed":1e309'),
        pos(',"heading":-0'),
        pos(',"speed":1e-400'),
        ev('{"sensorId":"S","kind":"rain","value":1e309}'),
        ev('{"sensorId":"S","kind":"rain","value":-1e309}'),
        ev('{"sensorId":"S","kind":"rain","value":-0}'),
        ev('{"sensorId":"S","kind":"rain","value":123456789012345678901234567890}'),
        ev('{"sensorId":"S","kind":"rain","value":4.9e-324}'),
        ev(`{"householdId":1,"intervalMin":1e-400,"waterL":1}`, 'meter.reading'),
        ev(`{"householdId":-0,"intervalMin":60,"powerKwh":1e-400}`, 'meter.reading'),
      ]),
      lines('prototype keys', [
        `{"__proto__":{"isAdmin":true},"id":"${this.nextId()}","type":"sensor.reading","ts":"${ts}","source":"s","data":{"sensorId":"S","kind":"rain","value":1}}`,
        ev('{"sensorId":"S","kind":"rain","value":1,"constructor":{"prototype":{"x":1}}}'),
        ev('{"sensorId":"S","kind":"rain","value":1,"__proto__":null}'),
      ]),
      lines('blank, whitespace, BOM, CR and NUL lines', ['', ' ', '\r', '\ufeff' + this.validLine(), '\u0000', '\t\t', this.validLine() + '\r']),
      blob('empty payload', ''),
      blob('NUL bytes', Buffer.alloc(4096)),
      blob('random bytes', Buffer.from(Array.from({ length: 8192 }, () => this.rng.int(0, 255)))),
      blob('UTF-16LE text with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(this.validLine(), 'utf16le')])),
      blob('gzip magic bytes', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03, 0xff, 0xff])),
      blob('batch wrapper with events not an array', `{"batch":"b-1","events":{"0":${this.validLine()}}}`),
      blob('batch wrapper nested 5,000 deep', `{"batch":"b-2","events":[${'['.repeat(5000)}${']'.repeat(5000)}]}`),
      blob('batch wrapper with a 10 KB batch id', `{"batch":"${'b'.repeat(10_000)}","events":[${this.validLine()}]}`),
      blob('batch wrapper with an object batch id', `{"batch":{"__proto__":{"x":1}},"events":[${this.validLine()}]}`),
      blob('a single JSON object, not an array', this.validLine()),
      blob('JSON array of 20,000 wrong values', this.arrayBatch(20_000, 0).body),
    ];
  }
}

const NEWLINE = Buffer.from('\n');
const toBuffer = (p: LineText): Buffer => (typeof p === 'string' ? Buffer.from(p) : p);

type Mutation = 'truncate' | 'flip' | 'delete' | 'insert' | 'duplicate' | 'wrongValue' | 'numberText' | 'hugeInteger' | 'unicode' | 'invalidUtf8' | 'nesting' | 'notAnEvent' | 'forbiddenKey';
const MUTATIONS: readonly (readonly [number, Mutation])[] = [
  [14, 'truncate'],
  [12, 'flip'],
  [8, 'delete'],
  [8, 'insert'],
  [4, 'duplicate'],
  [22, 'wrongValue'],
  [6, 'numberText'],
  // Integers past 32 bits and lone surrogates pass today's validation and fail the whole group
  // commit ("poison"): rare enough that most batches hold none, common enough that every run has many.
  [0.2, 'hugeInteger'],
  [0.2, 'unicode'],
  [4, 'invalidUtf8'],
  [1, 'nesting'],
  [6, 'notAnEvent'],
  [2, 'forbiddenKey'],
];
