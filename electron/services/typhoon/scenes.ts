/**
 * The typhoon module's scenes for the wall (director mode, issue 12; listed in
 * electron/services/wallScenes.ts): the storm coming for the district — its track and forecast
 * cone over the district, the player at the forecast hour before landfall running at 15×, the
 * buildings coloured by the wind they get at that moment (the typhoon module's `typhoonWind`
 * channel), the typhoon board beside the overview — and the landfall itself, held still.
 */
import type { SceneDef } from '../../../data/model/wallScene.ts';
import type { SceneContext } from '../wallScenes.ts';

const HOUR = 3_600_000;
/** A storm with a fix this recent is coming now, not history. */
const ACTIVE_WITHIN_MS = 48 * HOUR;

export async function typhoonScenes({ sections, nowMs }: SceneContext): Promise<SceneDef[]> {
  const api = sections().typhoon;
  const storms = await api.listStorms();
  const storm = storms.find((s) => s.lastUtcMs !== null && nowMs - s.lastUtcMs < ACTIVE_WITHIN_MS) ?? null;
  const name = storm ? { zh: storm.nameZh ?? storm.name, en: storm.name } : null;
  let camera: SceneDef['camera'] = { kind: 'preset', preset: 'overview' };
  if (storm) {
    const track = await api.getStormTrack(storm.id);
    const points = track ? [...track.fixes, ...track.forecast] : [];
    if (points.length > 0) {
      const lons = points.map((p) => p.lon);
      const lats = points.map((p) => p.lat);
      camera = { kind: 'bounds', bbox: [Math.min(...lons) - 0.3, Math.min(...lats) - 0.3, Math.max(...lons) + 0.3, Math.max(...lats) + 0.3] };
    }
  }
  const landfall = storm?.landfallUtcMs ?? null;
  const approach: SceneDef = {
    id: 'typhoon.approach',
    title: name ? { zh: `台风逼近 · ${name.zh}`, en: `Typhoon approach · ${name.en}` } : { zh: '台风逼近', en: 'Typhoon approach' },
    origin: 'typhoon',
    camera,
    layers: ['typhoon', 'incidents', 'resources'],
    colourBy: 'typhoonWind',
    // Six hours before landfall in the forecast, or six hours ahead without one.
    time: landfall !== null && landfall > nowMs ? { kind: 'at', atMs: landfall - 6 * HOUR, speed: 15, playing: true } : { kind: 'offset', offsetMs: 6 * HOUR, speed: 15, playing: true },
    rightPanel: 'typhoon',
    panels: ['overview', 'typhoon', 'kpis', 'incidents'],
  };
  const scenes = [approach];
  if (landfall !== null && name) {
    scenes.push({
      id: 'typhoon.landfall',
      title: { zh: `登陆时刻 · ${name.zh}`, en: `Landfall · ${name.en}` },
      origin: 'typhoon',
      camera,
      layers: ['typhoon', 'resources'],
      colourBy: 'typhoonWind',
      time: { kind: 'at', atMs: landfall, speed: 1, playing: false },
      rightPanel: 'typhoon',
      panels: ['overview', 'typhoon', 'kpis', 'resources'],
    });
  }
  return scenes;
}
