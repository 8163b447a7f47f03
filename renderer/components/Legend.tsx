/** Legend of the building colouring: categorical swatches, classes, a continuous ramp with min/max, or why there is nothing to colour. */
import { useTranslation } from 'react-i18next';
import { useTwinStore } from '../state/twinStore.ts';
import { useColouringNow } from '../features/colourBy.ts';
import { rgbCss, type Legend as LegendData, type LegendText } from '../views/map/layers/buildingColours.ts';
import './legend.css';

export function Legend(): React.JSX.Element | null {
  const cols = useTwinStore((s) => s.buildings);
  const geometry = useTwinStore((s) => s.geometry);
  const colouring = useColouringNow(cols, geometry);
  if (!colouring) return null;
  return <LegendBody legend={colouring.legend} testId="legend" />;
}

function LegendBody({ legend, testId }: { legend: LegendData; testId?: string }): React.JSX.Element {
  const { t } = useTranslation();
  const text = (x: LegendText): string => t(x.key, x.values ?? {});
  if (legend.kind === 'message') {
    return (
      <div className="legend legend-message" data-testid={testId} data-legend="message">
        <p className="legend-note" data-testid="legend-message">
          {text(legend.text)}
        </p>
        {legend.base && <LegendBody legend={legend.base} />}
      </div>
    );
  }
  if (legend.kind === 'categorical') {
    return (
      <ul className="legend legend-categorical" data-testid={testId}>
        {legend.items.map((item) => (
          <li key={item.use}>
            <span className="swatch" style={{ background: rgbCss(item.colour) }} />
            {t(`use.${item.use}`)}
          </li>
        ))}
      </ul>
    );
  }
  if (legend.kind === 'classes') {
    return (
      <ul className="legend legend-categorical legend-classes" data-testid={testId} data-legend="classes">
        {legend.note && <li className="legend-note">{text(legend.note)}</li>}
        {legend.items.map((item) => (
          <li key={item.text.key + JSON.stringify(item.text.values ?? {})} data-testid={item.testId}>
            <span className="swatch" style={{ background: rgbCss(item.colour) }} />
            {text(item.text)}
          </li>
        ))}
      </ul>
    );
  }
  const value = (v: number): string =>
    typeof legend.unit === 'object' ? t(legend.unit.key, { value: v }) : `${v}${t(`legend.unit.${legend.unit}`)}`;
  const gradient = `linear-gradient(90deg, ${legend.ramp.map((c, i) => `${rgbCss(c)} ${(100 * i) / (legend.ramp.length - 1)}%`).join(', ')})`;
  const special = legend.special;
  return (
    <div className="legend legend-ramp" data-testid={testId}>
      <div className="ramp" style={{ background: gradient }} />
      <div className="ramp-labels">
        <span data-testid="legend-min">{value(legend.min)}</span>
        <span data-testid="legend-max">≥ {value(legend.max)}</span>
      </div>
      {special && (
        <div className="legend-special">
          <span className="swatch" style={{ background: rgbCss(special.colour) }} />
          {typeof special.meaning === 'object' ? text(special.meaning) : t(special.meaning === 'noData' ? 'legend.noData' : 'legend.none')}
        </div>
      )}
    </div>
  );
}
