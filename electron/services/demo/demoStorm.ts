/**
 * The demo's typhoon: a storm shaped like Lekima (2019) — a super typhoon that made landfall on
 * the Taizhou coast — placed on the demo's clock: fixes every three hours over the last two days
 * as it comes in from the south-east, and the agency's bulletin now, with landfall near the
 * district 18 hours ahead. Synthetic (marked 演示 in its name); the real tracks are imported with
 * `civictwin typhoon import`.
 */
export const DEMO_STORM_ID = 'CMA:DEMO';
const HOUR = 3_600_000;
const KM_PER_DEG = 111.195;
/** Hours from now to landfall, and the storm's heading (towards north-west) and speed. */
const LANDFALL_IN_H = 18;
const HEADING_DEG = 318;
const SPEED_KMH = 19;

interface Radii {
  ne: number;
  se: number;
  sw: number;
  nw: number;
}
const scale = (r: Radii, k: number): Radii => ({ ne: Math.round(r.ne * k), se: Math.round(r.se * k), sw: Math.round(r.sw * k), nw: Math.round(r.nw * k) });
const R7: Radii = { ne: 360, se: 340, sw: 300, nw: 280 };
const R10: Radii = { ne: 130, se: 120, sw: 100, nw: 90 };
const R12: Radii = { ne: 60, se: 55, sw: 45, nw: 40 };

/** Intensity by hours to landfall: deepening at sea, strongest just before landfall, filling over land. */
function intensityAt(hoursToLandfall: number): { pressureHpa: number; maxWindMs: number; size: number } {
  if (hoursToLandfall >= 0) {
    const k = Math.min(1, hoursToLandfall / 66);
    return { pressureHpa: Math.round(935 + 35 * k), maxWindMs: Math.round(52 - 22 * k), size: 1 - 0.25 * k };
  }
  const h = -hoursToLandfall;
  return { pressureHpa: Math.round(Math.min(995, 945 + 2.2 * h)), maxWindMs: Math.round(Math.max(15, 45 - 1.2 * h)), size: Math.max(0.4, 1 - 0.02 * h) };
}

function positionAt(centreLon: number, centreLat: number, hoursToLandfall: number): { lon: number; lat: number } {
  // Landfall 25 km south of the district's centre, on the coast to its east-south-east.
  const landLon = centreLon + 12 / (KM_PER_DEG * Math.cos((centreLat * Math.PI) / 180));
  const landLat = centreLat - 25 / KM_PER_DEG;
  const km = -hoursToLandfall * SPEED_KMH; // negative before landfall: behind along the heading
  const rad = (HEADING_DEG * Math.PI) / 180;
  const north = km * Math.cos(rad);
  const east = km * Math.sin(rad);
  const lat = landLat + north / KM_PER_DEG;
  const lon = landLon + east / (KM_PER_DEG * Math.cos((lat * Math.PI) / 180));
  return { lon: Math.round(lon * 100) / 100, lat: Math.round(lat * 100) / 100 };
}

export interface DemoStormEvents {
  fixes: { atMs: number; data: Record<string, unknown> }[];
  /** The bulletin, issued with the last fix (lead times count from then). */
  forecast: { atMs: number; data: Record<string, unknown> };
}

export function demoStorm(centreLon: number, centreLat: number, nowMs: number): DemoStormEvents {
  const season = new Date(nowMs).getUTCFullYear();
  const base = { agency: 'CMA', stormNumber: 'DEMO', season, name: 'LEKIMA (DEMO)', nameZh: '利奇马（演示）' };
  // Fixes on the synoptic hours (every 3 h) of the last 48 h.
  const lastFix = Math.floor(nowMs / (3 * HOUR)) * 3 * HOUR;
  const fixes: DemoStormEvents['fixes'] = [];
  for (let t = lastFix - 48 * HOUR; t <= lastFix; t += 3 * HOUR) {
    const toLandfall = LANDFALL_IN_H + (nowMs - t) / HOUR;
    const i = intensityAt(toLandfall);
    fixes.push({
      atMs: t,
      data: {
        ...base,
        position: positionAt(centreLon, centreLat, toLandfall),
        pressureHpa: i.pressureHpa,
        maxWindMs: i.maxWindMs,
        radii: { r7: scale(R7, i.size), r10: i.maxWindMs >= 25 ? scale(R10, i.size) : null, r12: i.maxWindMs >= 33 ? scale(R12, i.size) : null },
        moveDirection: 'NW',
        moveSpeedKmh: SPEED_KMH,
      },
    });
  }
  const points = [6, 12, 18, 24, 36, 48].map((leadHours) => {
    const toLandfall = LANDFALL_IN_H - leadHours + (nowMs - lastFix) / HOUR;
    const i = intensityAt(toLandfall);
    return {
      leadHours,
      position: positionAt(centreLon, centreLat, toLandfall),
      pressureHpa: i.pressureHpa,
      maxWindMs: i.maxWindMs,
      radii: { r7: scale(R7, i.size), r10: i.maxWindMs >= 25 ? scale(R10, i.size) : null, r12: i.maxWindMs >= 33 ? scale(R12, i.size) : null },
    };
  });
  return { fixes, forecast: { atMs: lastFix, data: { ...base, points } } };
}
