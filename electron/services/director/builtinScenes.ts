/** Director mode's own scenes: the live overview and the last hour again, for any twin. */
import type { SceneDef } from '../../../data/model/wallScene.ts';
import type { SceneContext } from '../wallScenes.ts';

export function directorScenes(_context: SceneContext): SceneDef[] {
  return [
    {
      id: 'director.live',
      title: { zh: '实时总览', en: 'Live overview' },
      origin: 'director',
      camera: { kind: 'preset', preset: 'overview' },
      layers: ['incidents', 'resources', 'alerts', 'typhoon'],
      colourBy: 'use',
      time: { kind: 'live' },
      rightPanel: 'incidents',
      panels: null,
    },
    {
      id: 'director.care',
      title: { zh: '关爱对象分布', en: 'Where care is needed' },
      origin: 'director',
      camera: { kind: 'preset', preset: 'oblique' },
      layers: ['alerts', 'incidents'],
      colourBy: 'elderlyPct',
      time: { kind: 'live' },
      rightPanel: 'alerts',
      panels: null,
    },
    {
      id: 'director.lastHour',
      title: { zh: '回放最近一小时', en: 'The last hour again' },
      origin: 'director',
      camera: { kind: 'preset', preset: 'overview' },
      layers: ['incidents', 'resources'],
      colourBy: 'openIncidents',
      time: { kind: 'offset', offsetMs: -3_600_000, speed: 15, playing: true },
      rightPanel: 'incidents',
      panels: null,
    },
  ];
}
