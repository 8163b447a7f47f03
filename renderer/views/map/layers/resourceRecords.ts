/**
 * Moving resources as binary deck.gl attributes (DESIGN.md §3): one 16-byte record per drawn
 * resource, packed from the position buffer's typed arrays and written straight into one GPU
 * buffer that the IconLayer reads with strides. An update is one loop over typed arrays and one
 * buffer upload; deck.gl calls no accessor for positions, angles or colours and copies nothing.
 * (10,000 resources: about a fifth of a millisecond, against several milliseconds for objects
 * with accessors; `npm run bench` measures both, with this very module.)
 *
 *   bytes 0–7   lon, lat as float32 offsets from `origin` (LNGLAT_OFFSETS: exact to a centimetre
 *               within a district, and uploaded as they are, with no 64-bit split)
 *   bytes 8–11  angle, float32 degrees, counter-clockwise as deck.gl wants it
 *   bytes 12–15 RGBA, 4 × uint8 (normalised in the shader)
 *
 * Without a GPU device (before the map's deck.gl has started) the same record array is handed
 * over as typed arrays with the same strides, which deck.gl uploads itself.
 */
export const RESOURCE_RECORD_BYTES = 16;

/** What the packer reads: the position buffer's drawn state, or the benchmark's fleet. */
export interface FleetView {
  lon: Float64Array;
  lat: Float64Array;
  /** Compass degrees (clockwise from north). */
  heading: Float32Array;
}

/** The part of luma.gl's Device and Buffer used here (deck.gl's `deck.device`). */
export interface RecordDevice {
  createBuffer(props: { byteLength: number; usage: number }): RecordGpuBuffer;
}
export interface RecordGpuBuffer {
  write(data: ArrayBufferView, byteOffset?: number): void;
  destroy(): void;
}
/** luma.gl buffer usage flags (WebGPU numbering): vertex data, written by the CPU. */
const VERTEX_USAGE = 0x0020 | 0x0008;

export interface ResourceAttributes {
  length: number;
  attributes: Record<'getPosition' | 'getAngle' | 'getColor', object>;
}

export class ResourceRecords {
  public readonly origin: [number, number, number];
  /** Records written by the last `pack`. */
  public count = 0;
  private capacity = 0;
  private f32 = new Float32Array(0);
  private u32 = new Uint32Array(0);
  private u8 = new Uint8Array(0);
  private gpu: RecordGpuBuffer | null = null;
  private gpuDevice: RecordDevice | null = null;
  private gpuCapacity = 0;
  private attributesData: ResourceAttributes | null = null;

  public constructor(originLon: number, originLat: number) {
    this.origin = [originLon, originLat, 0];
  }

  /**
   * Packs `order.length` records, record i from slot `order[i]`. The angle is `angleBase − heading`
   * (the map's bearing for markers that keep pointing along the street as the map turns; 0 for
   * north-up). `colour(slot)` returns RGBA packed little-endian (see `packRgba`).
   */
  public pack(view: FleetView, order: ArrayLike<number>, angleBase: number, colour: (slot: number) => number): void {
    const n = order.length;
    this.ensure(n);
    const { f32, u32 } = this;
    const [ox, oy] = this.origin;
    for (let i = 0, j = 0; i < n; i++, j += 4) {
      const s = order[i]!;
      f32[j] = view.lon[s]! - ox;
      f32[j + 1] = view.lat[s]! - oy;
      f32[j + 2] = angleBase - view.heading[s]!;
      u32[j + 3] = colour(s);
    }
    this.count = n;
  }

  /**
   * The layer's `data`: one GPU buffer written now when `device` is given, else typed arrays.
   * The returned object keeps its identity while the buffer and the count do, so deck.gl
   * recomputes nothing else (icon frames included) between updates; the caller redraws.
   */
  public data(device: RecordDevice | null): ResourceAttributes {
    const bytes = this.count * RESOURCE_RECORD_BYTES;
    if (device) {
      if (!this.gpu || this.gpuDevice !== device || this.gpuCapacity < this.capacity) {
        this.gpu?.destroy();
        this.gpu = device.createBuffer({ byteLength: Math.max(RESOURCE_RECORD_BYTES, this.capacity * RESOURCE_RECORD_BYTES), usage: VERTEX_USAGE });
        this.gpuDevice = device;
        this.gpuCapacity = this.capacity;
        this.attributesData = null;
      }
      if (bytes > 0) this.gpu.write(this.u8.subarray(0, bytes));
      // A new count is new data for deck.gl (it compares `data` by identity).
      if (this.attributesData?.length !== this.count) this.attributesData = null;
      this.attributesData ??= {
        length: this.count,
        attributes: {
          getPosition: { buffer: this.gpu, type: 'float32', size: 2, stride: RESOURCE_RECORD_BYTES, offset: 0 },
          getAngle: { buffer: this.gpu, type: 'float32', size: 1, stride: RESOURCE_RECORD_BYTES, offset: 8 },
          getColor: { buffer: this.gpu, type: 'unorm8', size: 4, stride: RESOURCE_RECORD_BYTES, offset: 12 },
        },
      };
      return this.attributesData;
    }
    // deck.gl compares typed-array attributes by wrapper identity: new wrappers mean "re-upload".
    return {
      length: this.count,
      attributes: {
        getPosition: { value: this.f32, size: 2, stride: RESOURCE_RECORD_BYTES, offset: 0 },
        getAngle: { value: this.f32, size: 1, stride: RESOURCE_RECORD_BYTES, offset: 8 },
        getColor: { value: this.u8, size: 4, stride: RESOURCE_RECORD_BYTES, offset: 12, normalized: true },
      },
    };
  }

  public dispose(): void {
    this.gpu?.destroy();
    this.gpu = null;
    this.gpuDevice = null;
    this.attributesData = null;
  }

  private ensure(n: number): void {
    if (n <= this.capacity) return;
    const capacity = Math.max(64, 2 ** Math.ceil(Math.log2(n)));
    const buffer = new ArrayBuffer(capacity * RESOURCE_RECORD_BYTES);
    this.f32 = new Float32Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.capacity = capacity;
  }
}

/** RGBA bytes as the uint32 a little-endian record holds (every browser this runs in). */
export function packRgba(r: number, g: number, b: number, a: number): number {
  return ((a & 255) << 24) | ((b & 255) << 16) | ((g & 255) << 8) | (r & 255);
}
