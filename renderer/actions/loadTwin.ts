/**
 * Loads the twin's bulk data into the twin store, with one progress step per request. The three
 * bulk requests run in parallel; the building columns are turned into deck.gl binary geometry once
 * here, so every map (re)mount reuses it.
 */
import { getAppApi } from '../bridge/appApi.ts';
import { useTwinStore, type LoadStep } from '../state/twinStore.ts';
import { buildBuildingGeometry } from '../views/map/layers/buildingGeometry.ts';
import { hostErrorText } from './hostCall.ts';
import { i18n } from '../i18n/index.ts';

const markDone = (step: LoadStep): void => useTwinStore.setState((s) => ({ done: [...s.done, step] }));

export async function loadTwin(): Promise<void> {
  const api = getAppApi();
  useTwinStore.setState({ status: 'loading', done: [], error: null });
  try {
    const [host, info] = await Promise.all([api.window.getHostInfo(), api.store.getTwinInfo()]);
    useTwinStore.setState({ host, info });
    document.title = `${info.name} · ${i18n.t('app.title')}`;
    markDone('info');
    await Promise.all([
      api.store.getBuildings().then((buildings) => {
        const geometry = buildBuildingGeometry(buildings);
        useTwinStore.setState({ buildings, geometry });
        markDone('buildings');
      }),
      api.store.getBasemap().then((basemap) => {
        useTwinStore.setState({ basemap });
        markDone('basemap');
      }),
      api.store.getFacilities().then((facilities) => {
        useTwinStore.setState({ facilities });
        markDone('facilities');
      }),
    ]);
    useTwinStore.setState({ status: 'ready' });
  } catch (err) {
    console.error('[civictwin] loading the twin failed', err);
    useTwinStore.setState({ status: 'error', error: hostErrorText(err) });
  }
}
