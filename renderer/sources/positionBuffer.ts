/**
 * Resource positions outside React (DESIGN.md §3): typed arrays, one slot per resource, holding
 * the fix it moves *from* and the fix it moves *to*. A new fix starts a glide from wherever the
 * marker is drawn now to the new fix, spread over the resource's reporting interval (the gap
 * since its previous fix, at most the expected interval), so the marker arrives about when the
 * next fix is due and never jumps. The map calls `frame()` once
 * per animation frame and reads `lon`/`lat`/`heading` back; nothing here triggers a render.
 *
 * Each slot also keeps its last few fixes (a ring of `TRAIL_POINTS`) for the trail.
 */
import type { ResourceInfo, ResourcePositions } from '../../electron/common/dto.ts';

/** Fixes kept per resource for its trail. */
export const TRAIL_POINTS = 10;
/** Trail points older than this (feed time) are not drawn. */
export const TRAIL_WINDOW_MS = 90_000;
/** How often a parked (not moving) unit's tracker reports. */
const PARKED_INTERVAL_MS = 60_000;
/** A jump longer than this is a teleport (depot reset, bad fix): no glide. */
const SNAP_DISTANCE_DEG = 0.05;
/** A move shorter than this (≈ 0.5 m) does not add a trail point. */
const MIN_TRAIL_STEP_DEG = 0.000005;

export interface ApplyOptions {
  /** Performance-clock time the glide starts (the caller's frame time). */
  nowPerf: number;
  /** Glide length; default: the resource's expected interval. 0 jumps. */
  durationMs?: number;
  /** Accept fixes older than the slot's current one (replay scrubbing back in time). */
  allowOlder?: boolean;
}

export class PositionBuffer {
  public count = 0;
  private capacity = 0;
  private readonly slotOf = new Map<number, number>();
  public ids = new Int32Array(0);
  private fromLon = new Float64Array(0);
  private fromLat = new Float64Array(0);
  private fromHeading = new Float32Array(0);
  private toLon = new Float64Array(0);
  private toLat = new Float64Array(0);
  private toHeading = new Float32Array(0);
  private startMs = new Float64Array(0);
  /** Performance-clock time the last fix arrived (to glide over the observed reporting gap). */
  private arrivedMs = new Float64Array(0);
  private durMs = new Float32Array(0);
  /** Feed time of the latest fix; 0 when the resource has not reported (shown at its depot). */
  public fixMs = new Float64Array(0);
  /** Code into RESOURCE_STATUSES. */
  public status = new Uint8Array(0);
  public speed = new Float32Array(0);
  /** Expected reporting interval, ms. */
  public expectedMs = new Float32Array(0);
  /** Slot has a position at all (snapshot or fix). */
  public known = new Uint8Array(0);
  /** [capacity × TRAIL_POINTS × 3] lon, lat, feed ms, as a ring per slot. */
  private trail = new Float64Array(0);
  private trailLen = new Uint8Array(0);
  private trailHead = new Uint8Array(0);
  /** Drawn position and heading, written by `frame()`. */
  public lon = new Float64Array(0);
  public lat = new Float64Array(0);
  public heading = new Float32Array(0);
  /** Bumped on every change of fixes (not on frames). */
  public version = 0;

  private grow(min: number): void {
    if (min <= this.capacity) return;
    const cap = Math.max(min, this.capacity * 2, 64);
    const f64 = (a: Float64Array, n = 1): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(cap * n);
      b.set(a);
      return b;
    };
    const f32 = (a: Float32Array): Float32Array<ArrayBuffer> => {
      const b = new Float32Array(cap);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array): Uint8Array<ArrayBuffer> => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    const ids = new Int32Array(cap);
    ids.set(this.ids);
    this.ids = ids;
    this.fromLon = f64(this.fromLon);
    this.fromLat = f64(this.fromLat);
    this.fromHeading = f32(this.fromHeading);
    this.toLon = f64(this.toLon);
    this.toLat = f64(this.toLat);
    this.toHeading = f32(this.toHeading);
    this.startMs = f64(this.startMs);
    this.arrivedMs = f64(this.arrivedMs);
    this.durMs = f32(this.durMs);
    this.fixMs = f64(this.fixMs);
    this.status = u8(this.status);
    this.speed = f32(this.speed);
    this.expectedMs = f32(this.expectedMs);
    this.known = u8(this.known);
    this.trail = f64(this.trail, TRAIL_POINTS * 3);
    this.trailLen = u8(this.trailLen);
    this.trailHead = u8(this.trailHead);
    this.lon = f64(this.lon);
    this.lat = f64(this.lat);
    this.heading = f32(this.heading);
    this.capacity = cap;
  }

  private slot(id: number): number {
    let s = this.slotOf.get(id);
    if (s === undefined) {
      s = this.count++;
      this.grow(this.count);
      this.slotOf.set(id, s);
      this.ids[s] = id;
      this.expectedMs[s] = 30_000;
    }
    return s;
  }

  public slotOfId(id: number): number | undefined {
    return this.slotOf.get(id);
  }

  /** Registers the fleet (keeps what is known of resources already there). */
  public setResources(resources: ResourceInfo[]): void {
    for (const r of resources) {
      // The slot first: creating it may grow (replace) the arrays.
      const s = this.slot(r.id);
      this.expectedMs[s] = Math.max(1, r.expectedIntervalS) * 1000;
    }
    this.version++;
  }

  /** Applies a batch of fixes (a delta, or a whole snapshot's positions). */
  public apply(p: ResourcePositions, o: ApplyOptions): void {
    for (let i = 0; i < p.count; i++) {
      const s = this.slot(p.resourceId[i]!);
      const ts = p.tsMs[i]!;
      if (!o.allowOlder && this.known[s] && ts < this.fixMs[s]!) continue;
      const lon = p.lon[i]!;
      const lat = p.lat[i]!;
      const heading = p.heading[i]!;
      this.status[s] = p.status[i]!;
      this.speed[s] = p.speed[i]!;
      this.fixMs[s] = ts;
      const same = this.known[s] && Math.abs(this.toLon[s]! - lon) < 1e-9 && Math.abs(this.toLat[s]! - lat) < 1e-9;
      if (same) continue;
      this.drawAt(s, o.nowPerf);
      const jump = !this.known[s] || Math.abs(this.lon[s]! - lon) + Math.abs(this.lat[s]! - lat) > SNAP_DISTANCE_DEG;
      this.fromLon[s] = jump ? lon : this.lon[s]!;
      this.fromLat[s] = jump ? lat : this.lat[s]!;
      this.fromHeading[s] = jump ? heading : this.heading[s]!;
      this.toLon[s] = lon;
      this.toLat[s] = lat;
      this.toHeading[s] = heading;
      this.startMs[s] = o.nowPerf;
      // Glide until the next fix is due: the gap seen since the last one, at most the expected interval.
      const gap = this.arrivedMs[s]! > 0 ? o.nowPerf - this.arrivedMs[s]! : Infinity;
      this.arrivedMs[s] = o.nowPerf;
      this.durMs[s] = jump ? 0 : (o.durationMs ?? Math.min(this.expectedMs[s]!, Math.max(1000, gap)));
      this.known[s] = 1;
      if (jump) this.drawAt(s, o.nowPerf);
      if (ts > 0) this.pushTrail(s, lon, lat, ts);
    }
    this.version++;
  }

  /** Replaces every trail with a snapshot's (flat lon, lat, ms triples, oldest first). */
  public setTrails(trails: Record<number, number[]>): void {
    this.trailLen.fill(0);
    this.trailHead.fill(0);
    for (const [key, flat] of Object.entries(trails)) {
      const s = this.slotOf.get(Number(key));
      if (s === undefined) continue;
      for (let k = Math.max(0, flat.length / 3 - TRAIL_POINTS); k < flat.length / 3; k++) {
        this.pushTrail(s, flat[3 * k]!, flat[3 * k + 1]!, flat[3 * k + 2]!);
      }
    }
    this.version++;
  }

  private pushTrail(s: number, lon: number, lat: number, ts: number): void {
    const len = this.trailLen[s]!;
    if (len > 0) {
      const last = (s * TRAIL_POINTS + ((this.trailHead[s]! + TRAIL_POINTS - 1) % TRAIL_POINTS)) * 3;
      if (Math.abs(this.trail[last]! - lon) + Math.abs(this.trail[last + 1]! - lat) < MIN_TRAIL_STEP_DEG) return;
    }
    const o = (s * TRAIL_POINTS + this.trailHead[s]!) * 3;
    this.trail[o] = lon;
    this.trail[o + 1] = lat;
    this.trail[o + 2] = ts;
    this.trailHead[s] = (this.trailHead[s]! + 1) % TRAIL_POINTS;
    this.trailLen[s] = Math.min(TRAIL_POINTS, len + 1);
  }

  /** Trail of a slot (fixes newer than `sinceMs`, oldest first) ending at the drawn position. */
  public trailOf(s: number, sinceMs: number): [number, number][] {
    const out: [number, number][] = [];
    const len = this.trailLen[s]!;
    for (let k = 0; k < len; k++) {
      const o = (s * TRAIL_POINTS + ((this.trailHead[s]! - len + k + TRAIL_POINTS) % TRAIL_POINTS)) * 3;
      if (this.trail[o + 2]! >= sinceMs) out.push([this.trail[o]!, this.trail[o + 1]!]);
    }
    // The last fix is where the marker is heading: the trail stops at the marker itself.
    if (out.length > 0) {
      const last = out[out.length - 1]!;
      if (Math.abs(last[0] - this.toLon[s]!) < 1e-9 && Math.abs(last[1] - this.toLat[s]!) < 1e-9) out.pop();
    }
    if (out.length > 0) out.push([this.lon[s]!, this.lat[s]!]);
    return out;
  }

  private drawAt(s: number, nowPerf: number): boolean {
    const dur = this.durMs[s]!;
    const f = dur > 0 ? Math.min(1, Math.max(0, (nowPerf - this.startMs[s]!) / dur)) : 1;
    this.lon[s] = this.fromLon[s]! + (this.toLon[s]! - this.fromLon[s]!) * f;
    this.lat[s] = this.fromLat[s]! + (this.toLat[s]! - this.fromLat[s]!) * f;
    const a = this.fromHeading[s]!;
    const d = ((((this.toHeading[s]! - a) % 360) + 540) % 360) - 180;
    this.heading[s] = (a + d * f + 360) % 360;
    return f < 1;
  }

  /** Updates every drawn position for `nowPerf`; returns how many markers are still gliding. */
  public frame(nowPerf: number): number {
    let moving = 0;
    for (let s = 0; s < this.count; s++) if (this.known[s] && this.drawAt(s, nowPerf)) moving++;
    return moving;
  }

  /**
   * The slot's last fix is overdue: older than twice its reporting interval. A parked unit's
   * tracker reports about once a minute (trackers slow down when stationary), so a standing
   * resource is overdue only after two minutes. Never-reported slots are not overdue: they have
   * no fix to be late after (they are drawn at their depot, faded).
   */
  public isOverdue(slot: number, nowMs: number): boolean {
    const fix = this.fixMs[slot]!;
    if (fix <= 0) return false;
    const interval = this.speed[slot]! > 0.5 ? this.expectedMs[slot]! : Math.max(this.expectedMs[slot]!, PARKED_INTERVAL_MS);
    return nowMs - fix > 2 * interval;
  }

  /** Drawn lon/lat of a resource, or null if it has no position. */
  public position(id: number): [number, number] | null {
    const s = this.slotOf.get(id);
    if (s === undefined || !this.known[s]) return null;
    return [this.lon[s]!, this.lat[s]!];
  }

  /** Forgets every fix and trail (a new snapshot replaces everything). */
  public clear(): void {
    this.known.fill(0);
    this.fixMs.fill(0);
    this.trailLen.fill(0);
    this.trailHead.fill(0);
    this.version++;
  }
}

/** The one buffer of the page, shared by the live source (writer) and the map (reader). */
export const positions = new PositionBuffer();
