/** Address search (store.findBuildings) → select the building and fly to it. */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BuildingHit } from '../../electron/common/dto.ts';
import { getAppApi } from '../bridge/appApi.ts';
import { hostCall } from '../actions/hostCall.ts';
import { flyToPoint } from '../actions/camera.ts';
import { showBuilding } from '../state/uiStore.ts';

const DEBOUNCE_MS = 250;

export function SearchBox(): React.JSX.Element {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [hits, setHits] = useState<BuildingHit[] | null>(null);
  const seq = useRef(0);
  /** Text put into the box by choosing a result: not a new query. */
  const chosen = useRef<string | null>(null);

  useEffect(() => {
    const q = text.trim();
    if (!q || text === chosen.current) {
      setHits(null);
      return undefined;
    }
    const mine = ++seq.current;
    const timer = setTimeout(() => {
      void hostCall(() => getAppApi().store.findBuildings(q, 8), []).then((result) => {
        if (seq.current === mine) setHits(result);
      });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const choose = (hit: BuildingHit): void => {
    showBuilding(hit.id);
    flyToPoint(hit.centroid[0], hit.centroid[1]);
    setHits(null);
    chosen.current = hit.name ?? hit.address;
    setText(chosen.current);
  };

  return (
    <div className="search" data-testid="search">
      <label className="sr-only" htmlFor="search-input">
        {t('search.label')}
      </label>
      <div className="search-field">
        <span className="search-icon" aria-hidden />
        <input
          id="search-input"
          className="input"
          data-testid="search-input"
          type="search"
          value={text}
          placeholder={t('search.placeholder')}
          autoComplete="off"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && hits?.[0]) choose(hits[0]);
            if (e.key === 'Escape') setHits(null);
          }}
        />
      </div>
      {hits && (
        <ul className="search-results" data-testid="search-results">
          {hits.length === 0 && <li className="search-empty">{t('search.none')}</li>}
          {hits.map((hit) => (
            <li key={hit.id}>
              <button type="button" onClick={() => choose(hit)}>
                <span className="hit-name">{hit.name ?? hit.address}</span>
                {hit.name && <span className="hit-address">{hit.address}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
