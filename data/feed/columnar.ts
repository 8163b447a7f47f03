/**
 * A small binary frame for columnar payloads over HTTP and WebSocket: the web host's equivalent of
 * Electron's structured clone of typed arrays. Decoding makes views onto the received buffer, so a
 * 100k-building batch is never turned into row objects or JSON numbers.
 *
 * Layout: "CTC1" | u32 header length | header JSON (UTF-8) | zero padding to 8 | array bytes…
 * Each array starts on an 8-byte boundary so any typed-array view is aligned.
 */

const MAGIC = 0x31435443; // "CTC1" little-endian
export const COLUMNS_CONTENT_TYPE = 'application/x-civictwin-columns';

type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

const CTORS = {
  Int8Array,
  Uint8Array,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
} as const;
type CtorName = keyof typeof CTORS;

interface ArrayEntry {
  key: string;
  type: CtorName;
  offset: number;
  length: number;
}
interface Header {
  scalars: Record<string, unknown>;
  arrays: ArrayEntry[];
}

function typedArrayName(v: unknown): CtorName | null {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return null;
  const name = v.constructor.name;
  return name in CTORS ? (name as CtorName) : null;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);

/**
 * True when a value carries a typed array (at top level or inside nested plain objects, e.g.
 * `LiveSnapshot.positions.lon`) and should travel as a frame.
 */
export function isColumnar(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  return Object.values(value).some((v) => typedArrayName(v) !== null || isColumnar(v));
}

const align8 = (n: number): number => (n + 7) & ~7;

/**
 * Typed arrays anywhere in nested plain objects go to the binary part under a dotted key
 * (`positions.lon`); everything else stays in the JSON header, in place.
 */
export function encodeColumns(value: object): Uint8Array {
  const arrays: ArrayEntry[] = [];
  const views: TypedArray[] = [];
  let dataBytes = 0;
  const strip = (obj: Record<string, unknown>, prefix: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(obj)) {
      const type = typedArrayName(v);
      if (type) {
        const arr = v as TypedArray;
        arrays.push({ key: prefix + key, type, offset: dataBytes, length: arr.length });
        views.push(arr);
        dataBytes = align8(dataBytes + arr.byteLength);
      } else if (isPlainObject(v) && isColumnar(v)) {
        out[key] = strip(v, `${prefix}${key}.`);
      } else {
        out[key] = v;
      }
    }
    return out;
  };
  const scalars = strip(value as Record<string, unknown>, '');
  const headerBytes = new TextEncoder().encode(JSON.stringify({ scalars, arrays } satisfies Header));
  const dataStart = align8(8 + headerBytes.length);
  const out = new Uint8Array(dataStart + dataBytes);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, headerBytes.length, true);
  out.set(headerBytes, 8);
  arrays.forEach((a, i) => {
    const view = views[i]!;
    out.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), dataStart + a.offset);
  });
  return out;
}

/** Decodes a frame made by `encodeColumns`. Throws a plain message on a frame it cannot read. */
export function decodeColumns<T>(buffer: ArrayBuffer, byteOffset = 0): T {
  const dv = new DataView(buffer, byteOffset);
  if (dv.byteLength < 8 || dv.getUint32(0, true) !== MAGIC) {
    throw new Error('Not a CivicTwin columnar frame (bad magic): the host and app versions differ?');
  }
  const headerLength = dv.getUint32(4, true);
  const headerText = new TextDecoder().decode(
    new Uint8Array(buffer, byteOffset + 8, headerLength),
  );
  const header = JSON.parse(headerText) as Header;
  const dataStart = byteOffset + align8(8 + headerLength);
  const out: Record<string, unknown> = header.scalars;
  for (const a of header.arrays) {
    const Ctor = CTORS[a.type];
    const path = a.key.split('.');
    let target = out;
    for (const part of path.slice(0, -1)) {
      if (!isPlainObject(target[part])) target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    target[path[path.length - 1]!] = new Ctor(buffer, dataStart + a.offset, a.length);
  }
  return out as T;
}
