/** Left column: find a building and the camera presets, building colouring with its legend, live layers, facilities. */
import { useTranslation } from 'react-i18next';
import { SearchBox } from './SearchBox.tsx';
import { Legend } from './Legend.tsx';
import { FacilityLegend } from './FacilityLegend.tsx';
import { LiveLayersPanel } from './live/LiveLayersPanel.tsx';
import { CAMERA_PRESETS, flyToPreset } from '../actions/camera.ts';
import { SHORT_HEIGHT, useLayoutStore } from '../layout/store.ts';
import { useUiStore } from '../state/uiStore.ts';
import { COLOUR_BY_DEFS } from '../features/registry.ts';
import { colourByDef, setColourBy } from '../features/colourBy.ts';

export function ControlColumn(): React.JSX.Element {
  const { t } = useTranslation();
  const colourBy = useUiStore((s) => colourByDef(s.colourBy).id);
  // A short window (1366×768) folds the facility list: open, it would not fit under the rest.
  const short = useLayoutStore((s) => s.layout.effective.height < SHORT_HEIGHT);
  return (
    <aside className="control-column">
      {/* Search and the camera presets share a panel: the column must fit a 768-px-high console. */}
      <section className="panel search-panel">
        <SearchBox />
        <div className="segmented camera-presets" role="group" aria-label={t('camera.title')}>
          {CAMERA_PRESETS.map((p) => (
            <button
              key={p}
              type="button"
              className="seg-btn"
              data-testid={`camera-${p}`}
              onClick={() => flyToPreset(p)}
            >
              {t(`camera.${p}`)}
            </button>
          ))}
        </div>
      </section>
      <section className="panel colour-panel">
        <h2 className="panel-title">
          <label htmlFor="colour-by">{t('colourBy.title')}</label>
        </h2>
        <select
          id="colour-by"
          className="select"
          data-testid="colour-by"
          value={colourBy}
          onChange={(e) => setColourBy(e.target.value)}
        >
          {COLOUR_BY_DEFS.map((c) => (
            <option key={c.id} value={c.id}>
              {t(c.labelKey)}
            </option>
          ))}
        </select>
        <Legend />
      </section>
      <section className="panel">
        <LiveLayersPanel />
      </section>
      <section className="panel panel-grow">
        <FacilityLegend foldable={short} />
      </section>
    </aside>
  );
}
