import { describe, expect, it } from 'vitest';
import { COLUMNS_CONTENT_TYPE, decodeColumns, encodeColumns, isColumnar } from '../../data/feed/columnar.ts';

describe('columnar frames', () => {
  it('round-trips typed arrays and scalars, with aligned zero-copy views', () => {
    const value = {
      count: 3,
      name: '江滨街道',
      id: Int32Array.of(1, 2, 3),
      heightM: Float32Array.of(18.5, 99, 3),
      use: Uint8Array.of(0, 1, 2), // 3 bytes: the next array must still start aligned
      positions: Float64Array.of(121.42, 28.38, -0.5),
      empty: new Uint16Array(0),
    };
    const frame = encodeColumns(value);
    const out = decodeColumns<typeof value>(frame.slice().buffer);
    expect(out.count).toBe(3);
    expect(out.name).toBe('江滨街道');
    expect(Array.from(out.id)).toEqual([1, 2, 3]);
    expect(out.heightM).toBeInstanceOf(Float32Array);
    expect(Array.from(out.heightM)).toEqual([18.5, 99, 3]);
    expect(Array.from(out.use)).toEqual([0, 1, 2]);
    expect(Array.from(out.positions)).toEqual([121.42, 28.38, -0.5]);
    expect(out.empty.length).toBe(0);
    expect(out.positions.byteOffset % 8).toBe(0);
    expect(COLUMNS_CONTENT_TYPE).toMatch(/^application\//);
  });

  it('tells columnar payloads from plain ones', () => {
    expect(isColumnar({ a: new Float32Array(1) })).toBe(true);
    expect(isColumnar({ a: [1, 2] })).toBe(false);
    expect(isColumnar(null)).toBe(false);
  });

  it('rejects a buffer that is not a frame with a plain message', () => {
    expect(() => decodeColumns(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]).buffer)).toThrow(/columnar frame/);
  });

  it('a 100k-building frame is the size of its arrays, not of JSON', () => {
    const n = 100_000;
    const frame = encodeColumns({ id: new Int32Array(n), positions: new Float32Array(n * 10) });
    expect(frame.byteLength).toBeLessThan(n * 4 + n * 40 + 1024);
  });
});

describe('nested columnar frames', () => {
  it('carries typed arrays inside nested objects (a live snapshot) and keeps the rest as JSON', () => {
    const snapshot = {
      atMs: 1_700_000_000_000,
      incidents: [{ id: 'INC-1', severity: 3 }],
      positions: { count: 2, resourceId: Int32Array.of(7, 9), lon: Float64Array.of(121.41, 121.43) },
      trails: { 7: [121.4, 28.3, 1] },
    };
    expect(isColumnar(snapshot)).toBe(true);
    const out = decodeColumns<typeof snapshot>(encodeColumns(snapshot).slice().buffer);
    expect(out.atMs).toBe(snapshot.atMs);
    expect(out.incidents).toEqual(snapshot.incidents);
    expect(out.positions.count).toBe(2);
    expect(Array.from(out.positions.resourceId)).toEqual([7, 9]);
    expect(Array.from(out.positions.lon)).toEqual([121.41, 121.43]);
    expect(out.trails).toEqual({ 7: [121.4, 28.3, 1] });
  });
});
