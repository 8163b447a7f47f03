/**
 * The ingest envelope and its validation. One line of NDJSON (or one element of a JSON array, or
 * one MQTT message) is one event:
 *
 *   { "id": string, "type": string, "ts": ISO-8601, "source": string, "data": {...} }
 *
 * `parseEventLine` never throws: it returns the validated event or a reason a person can act on,
 * which the ingestor writes to the dead-letter table. Pure (zod only), so tests and the feed
 * simulator use the same rules as the hosts.
 */
import { z } from 'zod';
import { EVENT_DATA_SCHEMAS } from './registry.ts';
import { text } from './fields.ts';

/** Every event type a producer may send: the feature modules' (data/feed/registry.ts). */
export type EventType = keyof typeof EVENT_DATA_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_DATA_SCHEMAS) as readonly EventType[];
export { EVENT_DATA_SCHEMAS };

/**
 * Events the host records itself for what a person did at a console (issue 10), in the same log
 * as the feed's, in the same transaction as the change and its audit row. Never accepted from a
 * producer: validation refuses them as unknown types, so no source can forge a console action.
 */
export const CONSOLE_EVENT_TYPES = ['alert.acknowledged', 'alert.outcome'] as const;
export type ConsoleEventType = (typeof CONSOLE_EVENT_TYPES)[number];
export interface ConsoleEventData {
  'alert.acknowledged': { alertId: string; actor: string; reason?: string };
  'alert.outcome': { alertId: string; actor: string; outcome: string; reason: string };
}

/** A line longer than this is refused whole (a runaway producer, not an event). */
export const MAX_EVENT_BYTES = 16 * 1024;
/** Events stamped further in the future than this are refused: a wrong clock or time zone. */
export const MAX_FUTURE_MS = 5 * 60_000;
/** …and older than this: a replay of history belongs in an import, not in the live feed. */
export const MAX_PAST_MS = 30 * 24 * 3600_000;

export type EventData = { [K in EventType]: z.infer<(typeof EVENT_DATA_SCHEMAS)[K]> };
export type IngestEvent = { [K in EventType]: { id: string; type: K; ts: string; tsMs: number; source: string; data: EventData[K] } }[EventType];

const envelope = z.strictObject({
  id: z.string().min(1).max(128).regex(/^[\w.:\-/]+$/, 'id may use letters, digits and . : - / _ only'),
  type: z.string(),
  ts: z.iso.datetime({ offset: true }),
  source: text(128),
  data: z.record(z.string(), z.unknown()),
});

export type ParseResult = { ok: true; event: IngestEvent } | { ok: false; reason: string; id: string | null };

/** Keys that could reach an object's prototype if copied naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Parses JSON text, refusing prototype keys anywhere in it. */
export function parseJsonSafely(line: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  // A reviver makes JSON.parse several times slower; only text that mentions a forbidden name
  // (rare in real feeds) takes that path to find out whether it is really used as a key.
  if (!line.includes('__proto__') && !line.includes('constructor') && !line.includes('prototype')) {
    try {
      return { ok: true, value: JSON.parse(line) as unknown };
    } catch (err) {
      return { ok: false, reason: `malformed JSON: ${(err as Error).message}` };
    }
  }
  let forbidden: string | null = null;
  let value: unknown;
  try {
    value = JSON.parse(line, (key, v: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) forbidden = key;
      return v;
    });
  } catch (err) {
    return { ok: false, reason: `malformed JSON: ${(err as Error).message}` };
  }
  if (forbidden) return { ok: false, reason: `forbidden key "${forbidden}": rename the field` };
  return { ok: true, value };
}

/** Validates one already-parsed event object against the envelope and its type's schema. */
export function validateEvent(value: unknown, nowMs: number, bounds?: GeoBounds): ParseResult {
  const rawId = typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : null;
  const env = envelope.safeParse(value);
  if (!env.success) return { ok: false, reason: describe(env.error, ''), id: rawId };
  const { id, type, ts, source, data } = env.data;
  if (!(EVENT_TYPES as readonly string[]).includes(type)) {
    return { ok: false, reason: `unknown type "${type}": expected one of ${EVENT_TYPES.join(', ')}`, id };
  }
  const tsMs = Date.parse(ts);
  if (!Number.isFinite(tsMs)) return { ok: false, reason: `ts ${ts} is not a real date and time: use ISO 8601 such as 2026-11-25T08:14:03Z`, id };
  if (tsMs > nowMs + MAX_FUTURE_MS) {
    return { ok: false, reason: `ts ${ts} is more than 5 minutes in the future: check the sender's clock and time zone`, id };
  }
  if (tsMs < nowMs - MAX_PAST_MS) {
    return { ok: false, reason: `ts ${ts} is more than 30 days old: import history as a file instead`, id };
  }
  const schema = EVENT_DATA_SCHEMAS[type as EventType];
  const parsed = schema.safeParse(data);
  if (!parsed.success) return { ok: false, reason: describe(parsed.error, 'data.'), id };
  // A lone surrogate (`"\ud800"` in the JSON) is valid JSON but not text: the store's UTF-8
  // columns refuse it, which would fail the group commit of every producer in it.
  const malformed = hasLoneSurrogate(source) ? 'source' : malformedTextField(parsed.data as Record<string, unknown>);
  if (malformed) return { ok: false, reason: `${malformed} holds a lone UTF-16 surrogate (not valid Unicode text): send well-formed UTF-8`, id };
  const d = parsed.data as { lon?: number; lat?: number };
  if (bounds && d.lon !== undefined && d.lat !== undefined && !withinBounds(bounds, d.lon, d.lat)) {
    return { ok: false, reason: `data.lon/lat ${d.lon}, ${d.lat} is outside the twin's area (more than ${bounds.marginKm} km away): check the coordinate order and datum (WGS84)`, id };
  }
  return { ok: true, event: { id, type, ts, tsMs, source, data: parsed.data } as IngestEvent };
}

/** Parses and validates one line of NDJSON. */
export function parseEventLine(line: string, nowMs: number, bounds?: GeoBounds): ParseResult {
  // A UTF-16 unit is 1–3 bytes of UTF-8: only long lines need their bytes counted.
  if (line.length > MAX_EVENT_BYTES || (line.length * 3 > MAX_EVENT_BYTES && utf8Length(line) > MAX_EVENT_BYTES)) {
    return { ok: false, reason: `event larger than ${MAX_EVENT_BYTES} bytes: events are small; put large content elsewhere and reference it`, id: null };
  }
  const json = parseJsonSafely(line);
  if (!json.ok) return { ok: false, reason: json.reason, id: null };
  return validateEvent(json.value, nowMs, bounds);
}

/** The twin's extent; events further than `marginKm` outside it are refused. */
export interface GeoBounds {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
  marginKm: number;
}
function withinBounds(b: GeoBounds, lo: number, la: number): boolean {
  const dLat = b.marginKm / 111.32;
  const dLon = b.marginKm / (111.32 * Math.cos((((b.minLat + b.maxLat) / 2) * Math.PI) / 180));
  return lo >= b.minLon - dLon && lo <= b.maxLon + dLon && la >= b.minLat - dLat && la <= b.maxLat + dLat;
}

function describe(error: z.ZodError, prefix: string): string {
  return error.issues
    .slice(0, 3)
    .map((i) => {
      const path = i.path.length ? prefix + i.path.join('.') : prefix.replace(/\.$/, '') || 'event';
      return `${path}: ${i.message}`;
    })
    .join('; ');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** True when `text` is not well-formed UTF-16 (String.prototype.isWellFormed, before ES2024). */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** `text` with every lone surrogate replaced by U+FFFD (String.prototype.toWellFormed). */
export function toWellFormed(text: string): string {
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATES, '\uFFFD') : text;
}

/** The path of the first string field of a validated `data` (two levels: assignee) that is not well-formed. */
function malformedTextField(data: Record<string, unknown>): string | null {
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === 'string' && hasLoneSurrogate(value)) return `data.${key}`;
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (typeof v === 'string' && hasLoneSurrogate(v)) return `data.${key}.${k}`;
    }
  }
  return null;
}

/** UTF-8 byte length of a JS string, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2; // a pair: 2 units, 4 bytes
        i++;
        continue;
      }
    }
    if (c >= 0x800) bytes += 2;
    else if (c >= 0x80) bytes += 1;
  }
  return bytes;
}

/**
 * Cuts `text` to at most `maxBytes` of UTF-8 on a code-point boundary, well-formed: a dead letter
 * keeps the start of what was sent without itself becoming text the store refuses.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return toWellFormed(text);
  let bytes = 0;
  let end = 0;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    const pair = c >= 0xd800 && c <= 0xdbff && end + 1 < text.length && (text.charCodeAt(end + 1) & 0xfc00) === 0xdc00;
    const size = pair ? 4 : c >= 0x800 ? 3 : c >= 0x80 ? 2 : 1;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += pair ? 2 : 1;
  }
  return toWellFormed(text.slice(0, end));
}

/**
 * True when JSON `value` nests deeper than `maxDepth` (an event is three levels: envelope, data,
 * assignee). Iterative and stops at the limit, so a value nested 100,000 deep costs nothing and
 * never reaches a recursive function (JSON.stringify, String) that would overflow the stack.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const v of level) {
      if (v === null || typeof v !== 'object') continue;
      if (depth >= maxDepth) return true;
      for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') next.push(child);
    }
    level = next;
  }
  return false;
}
