/**
 * Scenes operators saved for the wall (director mode, issue 12): `director_scenes`, one row per
 * scene, its state as JSON (data/model/wallScene.ts SceneDef without id and origin). Listed
 * once in data/store/migrations/index.ts, which gives the version.
 */
import type { DuckDbStore } from '../DuckDbStore.ts';
import type { Migration } from '../migrations/index.ts';
import type { SceneDef } from '../../model/wallScene.ts';

export function directorScenesMigration(version: number): Migration {
  return {
    version,
    name: 'director scenes',
    sql: /* sql */ `
CREATE TABLE director_scenes (
  id INTEGER PRIMARY KEY, title_zh VARCHAR NOT NULL, title_en VARCHAR NOT NULL, state_json VARCHAR NOT NULL,
  created_by VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, deleted_at TIMESTAMP
);
`,
  };
}

export type SavedSceneState = Omit<SceneDef, 'id' | 'origin' | 'title'>;

/** Saves a scene; returns it with its id (`saved.<n>`). */
export async function saveScene(store: DuckDbStore, title: SceneDef['title'], state: SavedSceneState, createdBy: string, atMs: number): Promise<SceneDef> {
  let id = 0;
  await store.transaction(async () => {
    id = (await store.one<{ id: number }>('SELECT coalesce(max(id), 0)::INTEGER + 1 AS id FROM director_scenes'))!.id;
    await store.run('INSERT INTO director_scenes VALUES ($1, $2, $3, $4, $5, make_timestamp($6::BIGINT), NULL)', [id, title.zh, title.en, JSON.stringify(state), createdBy, Math.round(atMs) * 1000]);
  });
  return { id: `saved.${id}`, origin: 'saved', title, ...state };
}

/** Saved scenes, oldest first. A row whose state no longer reads is left out. */
export async function listSavedScenes(store: DuckDbStore): Promise<(SceneDef & { createdBy: string })[]> {
  const rows = await store.all<{ id: number; title_zh: string; title_en: string; state_json: string; created_by: string }>(
    'SELECT id, title_zh, title_en, state_json, created_by FROM director_scenes WHERE deleted_at IS NULL ORDER BY id',
  );
  const out: (SceneDef & { createdBy: string })[] = [];
  for (const r of rows) {
    try {
      const state = JSON.parse(r.state_json) as SavedSceneState;
      out.push({ ...state, id: `saved.${r.id}`, origin: 'saved', title: { zh: r.title_zh, en: r.title_en }, createdBy: r.created_by });
    } catch {
      /* a damaged row: not offered */
    }
  }
  return out;
}

/** Marks a saved scene deleted (the row stays for the record); false when there is none. */
export async function deleteSavedScene(store: DuckDbStore, id: number, atMs: number): Promise<boolean> {
  const before = await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM director_scenes WHERE id = $1 AND deleted_at IS NULL', [id]);
  if (!before?.n) return false;
  await store.run('UPDATE director_scenes SET deleted_at = make_timestamp($2::BIGINT) WHERE id = $1', [id, Math.round(atMs) * 1000]);
  return true;
}
