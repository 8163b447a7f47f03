/** Legend of the building colouring: categorical swatches or a continuous ramp with min/max. */
import { useTranslation } from 'react-i18next';
import { useTwinStore } from '../state/twinStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { useLivePanels } from '../state/liveStore.ts';
import { colouringNow, rgbCss } from '../views/map/layers/buildingColours.ts';

export function Legend(): React.JSX.Element | null {
  const { t } = useTranslation();
  const cols = useTwinStore((s) => s.buildings);
  const geometry = useTwinStore((s) => s.geometry);
  const colourBy = useUiStore((s) => s.colourBy);
  const liveStatus = useLivePanels((s) => s.status);
  // Only the incident colouring follows the feed; other attributes ignore incident changes.
  const incidents = useLivePanels((s) => (colourBy === 'openIncidents' ? s.incidents : null));
  if (!cols || !geometry) return null;
  const { legend } = colouringNow(cols, geometry.rowOfId, colourBy, { status: liveStatus, incidents: incidents ?? {} });
  if (legend.kind === 'categorical') {
    return (
      <ul className="legend legend-categorical" data-testid="legend">
        {legend.items.map((item) => (
          <li key={item.use}>
            <span className="swatch" style={{ background: rgbCss(item.colour) }} />
            {t(`use.${item.use}`)}
          </li>
        ))}
      </ul>
    );
  }
  const unit = t(`legend.unit.${legend.unit}`);
  const gradient = `linear-gradient(90deg, ${legend.ramp.map((c, i) => `${rgbCss(c)} ${(100 * i) / (legend.ramp.length - 1)}%`).join(', ')})`;
  return (
    <div className="legend legend-ramp" data-testid="legend">
      <div className="ramp" style={{ background: gradient }} />
      <div className="ramp-labels">
        <span data-testid="legend-min">
          {legend.min}
          {unit}
        </span>
        <span data-testid="legend-max">
          ≥ {legend.max}
          {unit}
        </span>
      </div>
      {legend.special && (
        <div className="legend-special">
          <span className="swatch" style={{ background: rgbCss(legend.special.colour) }} />
          {t(legend.special.meaning === 'noData' ? 'legend.noData' : 'legend.none')}
        </div>
      )}
    </div>
  );
}
