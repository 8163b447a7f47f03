/**
 * Scenes the feature modules bring for the wall (director mode, issue 12): one line per module
 * that has any. Each provider is asked when a console lists scenes or a scene is pushed, so a
 * module's scene is made of what the twin holds then (the storm coming now, its forecast hour).
 */
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import type { SceneDef } from '../../data/model/wallScene.ts';
import type { AppApi } from '../common/contract.ts';
import { typhoonScenes } from './typhoon/scenes.ts';

export interface SceneContext {
  store: DuckDbStore;
  /** The host's contract, called as the caller of the moment. */
  sections: () => AppApi;
  nowMs: number;
}
export type SceneProvider = (context: SceneContext) => Promise<SceneDef[]>;

export const SCENE_PROVIDERS: readonly SceneProvider[] = [typhoonScenes];
