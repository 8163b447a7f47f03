/** The facility markers on the map with their names and how many of each the twin has. */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FACILITY_KINDS, type FacilityKind } from '../../data/model/domain.ts';
import { useTwinStore } from '../state/twinStore.ts';
import { getFacilitySwatches } from '../views/map/layers/facilityAtlas.ts';
import { ensureFont } from '../gfx/fonts.ts';
import { FACILITY_GLYPHS } from '../views/map/layers/facilityIcons.ts';

/** `foldable`: a disclosure, closed at first (a short window); else always open. */
export function FacilityLegend({ foldable = false }: { foldable?: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  const facilities = useTwinStore((s) => s.facilities);
  const [swatches, setSwatches] = useState<Record<FacilityKind, string> | null>(null);
  useEffect(() => {
    let live = true;
    void ensureFont(FACILITY_GLYPHS).then(() => live && setSwatches(getFacilitySwatches()));
    return () => {
      live = false;
    };
  }, []);
  const counts = useMemo(() => {
    const m = new Map<FacilityKind, number>();
    for (const f of facilities) m.set(f.kind, (m.get(f.kind) ?? 0) + 1);
    return m;
  }, [facilities]);
  const kinds = FACILITY_KINDS.filter((k) => (counts.get(k) ?? 0) > 0);
  const list = (
    <ul className="facility-legend">
      {kinds.map((k) => (
        <li key={k}>
          {swatches ? (
            <img src={swatches[k]} alt="" width={34} height={34} />
          ) : (
            <span className="icon-placeholder" />
          )}
          <span className="facility-name">{t(`facility.${k}`)}</span>
          <span className="facility-count">{counts.get(k)}</span>
        </li>
      ))}
    </ul>
  );
  if (foldable) {
    return (
      <details className="facility-fold" data-testid="facility-legend">
        <summary className="panel-title">
          {t('facility.title')} <span className="facility-fold-count">{kinds.length}</span>
        </summary>
        {list}
      </details>
    );
  }
  return (
    <div data-testid="facility-legend">
      <h2 className="panel-title">{t('facility.title')}</h2>
      {list}
    </div>
  );
}
