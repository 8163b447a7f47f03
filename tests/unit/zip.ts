import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/** Reads the first entry of a ZIP archive (stored or deflated) via its central directory. */
export function readFirstZipEntry(path: string): Buffer {
  const buf = readFileSync(path);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${path}: not a ZIP archive`);
  const cd = buf.readUInt32LE(eocd + 16);
  if (buf.readUInt32LE(cd) !== 0x02014b50) throw new Error(`${path}: bad central directory`);
  const method = buf.readUInt16LE(cd + 10);
  const compressed = buf.readUInt32LE(cd + 20);
  const local = buf.readUInt32LE(cd + 42);
  const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
  const data = buf.subarray(start, start + compressed);
  return method === 0 ? Buffer.from(data) : inflateRawSync(data);
}
