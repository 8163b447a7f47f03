/** Left column: find a building, camera presets, building colouring with its legend, live layers, facilities. */
import { useTranslation } from 'react-i18next';
import { SearchBox } from './SearchBox.tsx';
import { Legend } from './Legend.tsx';
import { FacilityLegend } from './FacilityLegend.tsx';
import { LiveLayersPanel } from './live/LiveLayersPanel.tsx';
import { CAMERA_PRESETS, flyToPreset } from '../actions/camera.ts';
import { COLOUR_BY, setColourBy, useUiStore, type ColourBy } from '../state/uiStore.ts';

export function ControlColumn(): React.JSX.Element {
  const { t } = useTranslation();
  const colourBy = useUiStore((s) => s.colourBy);
  return (
    <aside className="control-column">
      <section className="panel search-panel">
        <SearchBox />
      </section>
      <section className="panel">
        <h2 className="panel-title">{t('camera.title')}</h2>
        <div className="segmented" role="group" aria-label={t('camera.title')}>
          {CAMERA_PRESETS.map((p) => (
            <button key={p} type="button" className="seg-btn" data-testid={`camera-${p}`} onClick={() => flyToPreset(p)}>
              {t(`camera.${p}`)}
            </button>
          ))}
        </div>
      </section>
      <section className="panel">
        <h2 className="panel-title">
          <label htmlFor="colour-by">{t('colourBy.title')}</label>
        </h2>
        <select
          id="colour-by"
          className="select"
          data-testid="colour-by"
          value={colourBy}
          onChange={(e) => setColourBy(e.target.value as ColourBy)}
        >
          {COLOUR_BY.map((c) => (
            <option key={c} value={c}>
              {t(`colourBy.${c}`)}
            </option>
          ))}
        </select>
        <Legend />
      </section>
      <section className="panel">
        <LiveLayersPanel />
      </section>
      <section className="panel panel-grow">
        <FacilityLegend />
      </section>
    </aside>
  );
}
