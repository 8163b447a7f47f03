/**
 * Search (the host's `search.search`): addresses, households (masked), incidents and facilities,
 * up to 20 of each, in groups by kind with how many matched in all. ↑/↓ move through the results,
 * Enter opens one (a building or household is selected and flown to, an incident opens its
 * detail), Esc closes them; the results export to CSV or print. `/` anywhere comes here.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AddressHit, SearchHit, SearchResults } from '../../electron/common/search/contract.ts';
import { careFlagNames } from '../../data/model/domain.ts';
import { getAppApi } from '../bridge/appApi.ts';
import { hostCall } from '../actions/hostCall.ts';
import { flyToPoint } from '../actions/camera.ts';
import { selectIncident } from '../actions/incidents.ts';
import { selectHousehold, showBuilding } from '../state/uiStore.ts';
import { useLiveStore } from '../state/liveStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { setCursor, useListCursor } from '../state/listCursor.ts';
import { formatDateTime } from '../i18n/format.ts';
import { t as translate } from '../i18n/index.ts';
import type { ListExport } from '../actions/exportList.ts';
import { formatRoadAddress } from '../features/incidents/roadAddress.ts';
import { SEARCH_INPUT_ID } from '../features/search/index.ts';
import { ListTools } from './ListTools.tsx';
import '../styles/lists.css';

const DEBOUNCE_MS = 250;
/** Results asked for per kind (the contract allows up to 50). */
const PER_KIND = 20;
/** Results shown per kind until the group is opened whole, so every kind is in view at once. */
const FIRST_SHOWN = 5;

export const hitKey = (h: SearchHit): string =>
  h.kind === 'address' ? `a${h.buildingId}` : h.kind === 'household' ? `h${h.householdId}` : h.kind === 'incident' ? `i${h.incidentId}` : `f${h.facilityId}`;

/** What a hit is called (first line) and where or what it is (second line), as shown and exported. */
export function hitText(h: SearchHit): { title: string; place: string; detail: string } {
  switch (h.kind) {
    case 'address':
      return { title: h.name ?? h.address, place: h.address, detail: '' };
    case 'household':
      return {
        title: `${h.address} ${translate('search.unit', { unit: h.unit })}`,
        place: h.address,
        detail: [translate('search.contact', { name: h.contactName, phone: h.contactPhone }), ...careFlagNames(h.careFlags).map((c) => translate(`care.${c}`))].join(' · '),
      };
    case 'incident': {
      const place = h.address ?? (h.roadAddress ? formatRoadAddress(h.roadAddress) : `${h.lon.toFixed(5)}, ${h.lat.toFixed(5)}`);
      return {
        title: `${translate(`category.${h.category}`)} · ${translate(`incidentStatus.${h.status}`)}`,
        place,
        detail: [h.description, formatDateTime(h.reportedAt)].filter(Boolean).join(' · '),
      };
    }
    case 'facility':
      return { title: h.name, place: translate(`facility.${h.facilityKind}`), detail: '' };
  }
}

function hitId(h: SearchHit): string {
  return h.kind === 'address' ? String(h.buildingId) : h.kind === 'household' ? String(h.householdId) : h.kind === 'incident' ? h.incidentId : String(h.facilityId);
}

export function searchExport(results: SearchResults): ListExport {
  const c = (k: string): string => translate(`search.export.${k}`);
  return {
    title: `${c('title')} ${results.query}`,
    columns: [c('kind'), c('id'), c('name'), c('place'), c('detail')],
    rows: results.groups.flatMap((g) =>
      g.hits.map((h) => {
        const text = hitText(h);
        return [translate(`search.kinds.${h.kind}`), hitId(h), text.title, text.place, text.detail];
      }),
    ),
  };
}

/** Opens a hit: select and fly to its building, its household, its incident or its facility. */
function openHit(hit: SearchHit): void {
  switch (hit.kind) {
    case 'address':
      showBuilding(hit.buildingId);
      break;
    case 'household':
      showBuilding(hit.buildingId);
      selectHousehold(hit.householdId);
      break;
    case 'incident':
      selectIncident(hit.incidentId);
      if (useLiveStore.getState().incidents[hit.incidentId]) return;
      break;
    case 'facility':
      if (hit.buildingId !== null) showBuilding(hit.buildingId);
      break;
  }
  flyToPoint(hit.lon, hit.lat);
}

/**
 * A wall display may not search households or incidents (`search.search` is for signed-in people):
 * it finds buildings by address through `store.findBuildings`, as every view may.
 */
async function searchFor(q: string): Promise<SearchResults | null> {
  if (useSessionStore.getState().session?.kind === 'wall') {
    const hits = await hostCall(() => getAppApi().store.findBuildings(q, PER_KIND), []);
    const address: AddressHit[] = hits.map((h) => ({ kind: 'address', buildingId: h.id, address: h.address, name: h.name, lon: h.centroid[0], lat: h.centroid[1] }));
    return { query: q, groups: address.length ? [{ kind: 'address', hits: address, total: address.length }] : [] };
  }
  return hostCall(() => getAppApi().search.search(q, PER_KIND), null);
}

export function SearchBox(): React.JSX.Element {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [results, setResults] = useState<SearchResults | null>(null);
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);
  /** Text put into the box by choosing a result: not a new query. */
  const chosen = useRef<string | null>(null);
  const cursor = useListCursor((s) => s.search);
  const list = useRef<HTMLDivElement>(null);
  /** Groups opened whole. */
  const [opened, setOpened] = useState<Record<string, true>>({});

  useEffect(() => {
    const q = text.trim();
    if (!q || text === chosen.current) {
      seq.current++;
      setResults(null);
      setBusy(false);
      return undefined;
    }
    const mine = ++seq.current;
    setBusy(true);
    const timer = setTimeout(() => {
      void searchFor(q.slice(0, 100)).then((result) => {
        if (seq.current !== mine) return;
        setBusy(false);
        setResults(result ?? { query: q, groups: [] });
        setOpened({});
        setCursor('search', null);
      });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const shownHits = (g: SearchResults['groups'][number]): SearchHit[] => (opened[g.kind] ? g.hits : g.hits.slice(0, FIRST_SHOWN));
  const flat = useMemo(() => results?.groups.flatMap((g) => (opened[g.kind] ? g.hits : g.hits.slice(0, FIRST_SHOWN))) ?? [], [results, opened]);

  useEffect(() => {
    if (cursor) list.current?.querySelector(`[data-hit="${CSS.escape(cursor)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [cursor]);

  const choose = (hit: SearchHit): void => {
    openHit(hit);
    setResults(null);
    chosen.current = hitText(hit).title;
    setText(chosen.current);
  };

  const move = (step: number): void => {
    if (flat.length === 0) return;
    const at = flat.findIndex((h) => hitKey(h) === cursor);
    const next = at < 0 ? (step > 0 ? 0 : flat.length - 1) : Math.max(0, Math.min(flat.length - 1, at + step));
    setCursor('search', hitKey(flat[next]!));
  };

  return (
    <div className="search" data-testid="search">
      <label className="sr-only" htmlFor={SEARCH_INPUT_ID}>
        {t('search.label')}
      </label>
      <div className="search-field">
        <span className="search-icon" aria-hidden />
        <input
          id={SEARCH_INPUT_ID}
          className="input"
          data-testid="search-input"
          type="search"
          value={text}
          maxLength={100}
          placeholder={t('search.placeholder')}
          autoComplete="off"
          aria-expanded={results !== null}
          aria-controls="search-results"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              move(e.key === 'ArrowDown' ? 1 : -1);
            } else if (e.key === 'Enter') {
              const hit = flat.find((h) => hitKey(h) === cursor) ?? flat[0];
              if (hit) choose(hit);
            } else if (e.key === 'Escape' && results) {
              // Closing the results is this Esc's whole work; the next one leaves the box.
              e.stopPropagation();
              setResults(null);
            }
          }}
        />
      </div>
      {busy && !results && <div className="search-results search-busy">{t('search.searching')}</div>}
      {results && (
        <div className="search-results search-groups" id="search-results" data-testid="search-results" ref={list}>
          {results.groups.length === 0 && <p className="search-empty">{t('search.none')}</p>}
          {results.groups.map((g) => (
            <section key={g.kind} className="search-group" data-testid="search-group" data-kind={g.kind}>
              <h3 className="search-group-head">
                {t(`search.kinds.${g.kind}`)} <span className="count-chip">{g.total >= 1000 ? '1000+' : g.total}</span>
              </h3>
              <ul>
                {shownHits(g).map((hit) => {
                  const key = hitKey(hit);
                  const text = hitText(hit);
                  return (
                    <li key={key}>
                      <button
                        type="button"
                        className={`search-hit hit-${hit.kind}${key === cursor ? ' is-cursor' : ''}`}
                        data-testid="search-hit"
                        data-hit={key}
                        data-kind={hit.kind}
                        aria-current={key === cursor || undefined}
                        onClick={() => choose(hit)}
                      >
                        <span className="hit-name">{text.title}</span>
                        <span className="hit-address">{text.place}</span>
                        {text.detail && <span className="hit-detail">{text.detail}</span>}
                      </button>
                    </li>
                  );
                })}
              </ul>
              {!opened[g.kind] && g.hits.length > FIRST_SHOWN && (
                <button type="button" className="search-show-all" data-testid="search-show-all" data-kind={g.kind} onClick={() => setOpened((o) => ({ ...o, [g.kind]: true }))}>
                  {t('search.showAll', { count: g.hits.length })}
                </button>
              )}
              {(opened[g.kind] || g.hits.length <= FIRST_SHOWN) && g.total > g.hits.length && <p className="search-more">{t('search.more', { count: g.total - g.hits.length })}</p>}
            </section>
          ))}
          {results.groups.length > 0 && (
            <footer className="search-foot">
              <span className="search-hint">{t('search.hint')}</span>
              <ListTools id="search" build={() => searchExport(results)} />
            </footer>
          )}
        </div>
      )}
    </div>
  );
}
