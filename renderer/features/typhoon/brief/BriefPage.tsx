/**
 * The typhoon briefing as A4 pages (opened as `#brief=<stormId>`): the hosts print this page to
 * PDF (`civictwin typhoon brief`, the 生成简报 button), so what is printed is the app's own data
 * and maps. Always in Chinese, in the bundled font; times in Beijing time, moved like the console's
 * when the storm is a rehearsal.
 *
 * When every map has drawn and the font's glyphs are in, the page marks itself ready
 * (`<html data-brief-ready>`), or says why not (`data-brief-error`): the printer waits for either.
 */
import { useEffect, useState } from 'react';
import type { Layer } from '@deck.gl/core';
import { PathLayer, PolygonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { TyphoonBrief } from '../../../../electron/common/typhoon/brief.ts';
import { getAppApi } from '../../../bridge/appApi.ts';
import { i18n } from '../../../i18n/index.ts';
import { ensureFont, FONT_FAMILY } from '../../../gfx/fonts.ts';
import { useTwinStore } from '../../../state/twinStore.ts';
import { playerNow } from '../../../state/liveStore.ts';
import { hostErrorText } from '../../../actions/hostCall.ts';
import { buildLayers } from '../../../views/map/layers/buildLayers.ts';
import { RAMP, rampColour, type Rgb } from '../../../views/map/layers/buildingColours.ts';
import { colouringNow } from '../../colourBy.ts';
import { buildBasemapLabels } from '../../../views/map/layers/labels.ts';
import { getFacilityAtlas } from '../../../views/map/layers/facilityAtlas.ts';
import { trackStateAt, distanceKm } from '../../../../data/model/typhoon/track.ts';
import { beaufortForce, TC_GRADE_INFO } from '../../../../data/model/typhoon/scales.ts';
import { typhoonLayers } from '../layers.ts';
import { selectStorm, useTyphoonStore } from '../store.ts';
import { floodStepTime, loadFlood, useFloodStore } from '../floodStore.ts';
import { floodLayers } from '../floodLayer.ts';
import { boundsOf, drawBriefMap, type LonLatBounds } from './briefMaps.ts';
import { briefChanges, type BriefChange } from './briefChanges.ts';
import './brief.css';
import type { PlanNote } from '../../../../data/model/typhoon/notes.ts';

const SIGNALS = ['none', 'blue', 'yellow', 'orange', 'red'] as const;
const SIGNAL_COLOURS = ['#e8ecf1', '#2f6fe4', '#f2c200', '#f57c00', '#d81e1e'];
/** Printed map size in CSS pixels (the A4 content width at 96 dpi is about 700). */
const MAP_W = 700;
const MAP_H = 440;

const zh = (): ReturnType<typeof i18n.getFixedT> => i18n.getFixedT('zh-CN');
const tb = (key: string, opts?: Record<string, unknown>): string => String(zh()(`typhoon.brief.${key}`, opts ?? {}));

const bjt = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
const bjtFull = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
/** "08/10 01:45" in Beijing time, or the dash. */
const when = (ms: number | null | undefined): string => (ms === null || ms === undefined ? tb('none') : bjt.format(ms));

interface Maps {
  track: string;
  circles: string | null;
  risk: string;
  plan: string;
  /** The flood the risk map shows (the plan's rain, else the app's default scenario), or why none. */
  flood:
    | { label: string; atMs: number; householdsFlooded: number; roadsClosedToCars: number; peakRainAtMs: number; peakRainMm: number }
    | { unavailable: string }
    | null;
}

type Phase = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; brief: TyphoonBrief; maps: Maps; shiftMs: number };

export function BriefPage({ value }: { value: string }): React.JSX.Element {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  useEffect(() => {
    document.documentElement.classList.add('brief-mode');
    let cancelled = false;
    void (async () => {
      try {
        const brief = await getAppApi().typhoon.makeBrief(value);
        if (!brief) throw new Error(tb('unknownStorm', { id: value }));
        // The console's own rule places the storm on the player's clock (a past one is a rehearsal).
        await selectStorm(value);
        const maps = await drawMaps(brief);
        if (cancelled) return;
        setPhase({ kind: 'ready', brief, maps, shiftMs: useTyphoonStore.getState().shiftMs });
      } catch (err) {
        const message = err instanceof Error && !('status' in err) ? err.message : hostErrorText(err);
        if (!cancelled) setPhase({ kind: 'error', message });
        document.documentElement.dataset.briefError = message;
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [value]);
  useEffect(() => {
    if (phase.kind !== 'ready') return;
    // Every glyph the pages use must be loaded before the print takes the page.
    void ensureFont(document.body.innerText, 15_000)
      .then(() => document.fonts.ready)
      .then(() => {
        document.documentElement.dataset.briefReady = 'true';
      });
  }, [phase]);

  if (phase.kind === 'loading') return <div className="brief-status" data-testid="brief-loading">{tb('loading')}</div>;
  if (phase.kind === 'error') return <div className="brief-status brief-error" data-testid="brief-error">{tb('error', { error: phase.message })}</div>;
  return <BriefDocument brief={phase.brief} maps={phase.maps} shiftMs={phase.shiftMs} />;
}

function BriefDocument({ brief, maps, shiftMs }: { brief: TyphoonBrief; maps: Maps; shiftMs: number }): React.JSX.Element {
  const p = (ms: number | null | undefined): string => (ms === null || ms === undefined ? tb('none') : when(ms + shiftMs));
  const { track, wind } = brief;
  const storm = track.storm;
  const stormName = `${storm.nameZh ?? storm.name}（${storm.name}，${storm.number ?? storm.id}）`;
  const nowStorm = playerNow() - shiftMs;
  const all = [...track.fixes, ...track.forecast];
  const state = all.length > 0 ? trackStateAt(all, nowStorm) : null;
  const step = Math.floor((nowStorm - wind.startUtcMs) / wind.stepMs);
  const signalNow = step >= 0 && step < wind.hours ? wind.signal[step]! : 0;
  const centre = districtCentre(brief);
  const landfall = track.landfalls[0] ?? null;
  const grids = brief.grids.filter((g) => g.buildings > 0);
  const byArrival = [...grids].sort((a, b) => (a.arrival10UtcMs ?? Infinity) - (b.arrival10UtcMs ?? Infinity) || (a.arrival7UtcMs ?? Infinity) - (b.arrival7UtcMs ?? Infinity));
  const communities = groupByCommunity(brief.grids);
  const total = sumCounts(brief.grids);
  const changes = brief.previous ? briefChanges(brief.previous.figures, brief.figures) : [];
  const t = zh();
  return (
    <div className="brief" data-testid="brief" data-brief-number={brief.number}>
      <section className="brief-page">
        <header className="brief-head">
          <div>
            <h1>{tb('title')}</h1>
            <div className="brief-storm" data-testid="brief-storm">
              {tb('storm')} {stormName}
            </div>
          </div>
          <dl className="brief-meta">
            <dt>{tb('district')}</dt>
            <dd>{brief.districtName}</dd>
            <dt>{tb('issue', { n: brief.number })}</dt>
            <dd>{bjtFull.format(brief.madeAtUtcMs)}</dd>
            <dt>{tb('madeBy')}</dt>
            <dd>{brief.madeBy}</dd>
          </dl>
        </header>
        {brief.previous && (
          <p className="brief-note" data-testid="brief-changes-summary">
            {changes.length > 0 ? tb('changesSummary', { n: brief.previous.number, count: changes.length }) : tb('changesNone', { n: brief.previous.number })}
          </p>
        )}
        {shiftMs !== 0 && <p className="brief-note">{tb('rehearsal', { year: storm.year, landfall: landfall ? bjtFull.format(landfall.timeUtcMs) : tb('none') })}</p>}
        <h2>{tb('trackTitle')}</h2>
        <div className="brief-figures">
          <Figure label={tb('signalNow')}>
            <span className="brief-signal" style={{ background: SIGNAL_COLOURS[signalNow], color: signalNow === 0 || signalNow === 2 ? '#111' : '#fff' }}>
              {String(t(`typhoon.signal.${SIGNALS[signalNow]}`))}
            </span>
          </Figure>
          <Figure label={tb('position')}>
            {state ? (
              <>
                {TC_GRADE_INFO[state.grade].zh}
                {state.maxWindMs !== null && ` · ${tb('force', { force: beaufortForce(state.maxWindMs) })} ${Math.round(state.maxWindMs)} m/s`}
                {state.pressureHpa !== null && ` · ${Math.round(state.pressureHpa)} hPa`}
                <br />
                {tb('distance', { km: Math.round(distanceKm(state.lon, state.lat, centre[0], centre[1])) })}
              </>
            ) : (
              tb('none')
            )}
          </Figure>
          <Figure label={tb('arrival7')}>{wind.arrival7UtcMs === null ? tb('never') : p(wind.arrival7UtcMs)}</Figure>
          <Figure label={tb('arrival10')}>{wind.arrival10UtcMs === null ? tb('never') : p(wind.arrival10UtcMs)}</Figure>
          <Figure label={tb('peak')}>
            {tb('force', { force: wind.peakForce })} · {p(wind.peakUtcMs)}
          </Figure>
          <Figure label={tb('landfall')}>{landfall ? `${p(landfall.timeUtcMs)} ${landfall.place ?? ''}` : tb('none')}</Figure>
          {maps.flood && 'label' in maps.flood && (
            <Figure label={tb('rain')}>
              {tb('rainValue', { label: maps.flood.label, time: p(maps.flood.peakRainAtMs - shiftMs), mm: Math.round(maps.flood.peakRainMm) })}
            </Figure>
          )}
          {track.forecastIssuedUtcMs !== null && (
            <Figure label={tb('bulletin')}>
              {track.forecastAgency} · {p(track.forecastIssuedUtcMs)}
            </Figure>
          )}
        </div>
        <figure className="brief-map">
          <img src={maps.track} alt={tb('trackMap')} data-testid="brief-map-track" />
          <figcaption>{tb('trackMap')}</figcaption>
        </figure>
        <h3>{tb('signalsTitle')}</h3>
        <SignalStrip brief={brief} shiftMs={shiftMs} />
        <p className="brief-small">{tb('timesNote')}</p>
      </section>

      <section className="brief-page">
        {maps.circles && <h3>{tb('circlesTitle')}</h3>}
        {maps.circles && (
          <figure className="brief-map">
            <img src={maps.circles} alt="" data-testid="brief-map-circles" />
            <figcaption>{tb('circlesMap', { time: p(wind.arrival10UtcMs) })}</figcaption>
          </figure>
        )}
        <h3>{tb('gridTimingTitle')}</h3>
        <table className="brief-table" data-testid="brief-grid-timing">
          <thead>
            <tr>
              <th>{tb('grid')}</th>
              <th>{tb('community')}</th>
              <th>{tb('gale7')}</th>
              <th>{tb('gale10')}</th>
              <th>{tb('maxForce')}</th>
            </tr>
          </thead>
          <tbody>
            {byArrival.map((g) => (
              <tr key={g.gridId}>
                <td>{g.name}</td>
                <td>{g.community ?? ''}</td>
                <td className="num">{g.arrival7UtcMs === null ? tb('never') : p(g.arrival7UtcMs)}</td>
                <td className="num">{g.arrival10UtcMs === null ? tb('never') : p(g.arrival10UtcMs)}</td>
                <td className="num">{tb('force', { force: g.maxForce })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="brief-page">
        <h2>{tb('riskTitle')}</h2>
        <figure className="brief-map">
          <img src={maps.risk} alt={tb('riskMap')} data-testid="brief-map-risk" />
          <figcaption>
            {tb('riskMap')}
            {maps.flood && 'unavailable' in maps.flood && ` ${tb('riskNoFlood', { reason: maps.flood.unavailable })}`}
            {maps.flood && 'label' in maps.flood &&
              ` ${tb('riskFlood', { label: maps.flood.label, time: p(maps.flood.atMs - shiftMs), households: maps.flood.householdsFlooded, roads: maps.flood.roadsClosedToCars })}`}
          </figcaption>
        </figure>
        <h2>{tb('countsTitle')}</h2>
        <table className="brief-table" data-testid="brief-counts">
          <thead>
            <tr>
              <th>{tb('grid')}</th>
              <th>{tb('gridWorkers')}</th>
              <th>{tb('buildings')}</th>
              <th>{tb('households')}</th>
              <th>{tb('residents')}</th>
              <th>{tb('elderlyAlone')}</th>
              <th>{tb('disabled')}</th>
              <th>{tb('minors')}</th>
              <th>{tb('elderly')}</th>
              <th>{tb('lowIncome')}</th>
            </tr>
          </thead>
          <tbody>
            {communities.map((c) => [
              ...c.grids.map((g) => <CountRow key={g.gridId} name={g.name} workers={g.workers.join('、')} counts={g} />),
              <CountRow key={`c-${c.name}`} name={tb('subtotal', { name: c.name })} workers="" counts={sumCounts(c.grids)} className="subtotal" />,
            ])}
            <CountRow name={tb('total')} workers="" counts={total} className="total" />
          </tbody>
        </table>
      </section>

      <section className="brief-page">
        <h2>{tb('planTitle')}</h2>
        {brief.plan ? (
          <PlanSummary plan={brief.plan} />
        ) : (
          <p className="brief-note" data-testid="brief-no-plan">
            {tb('noPlan')}
          </p>
        )}
        <figure className="brief-map">
          <img src={maps.plan} alt={tb('planMap')} data-testid="brief-map-plan" />
          <figcaption>{brief.plan ? tb('planMapRoutes') : tb('planMap')}</figcaption>
        </figure>
        {brief.plan && <PlanGrids plan={brief.plan} p={p} />}
        <h3>{tb('sheltersTitle')}</h3>
        <table className="brief-table" data-testid="brief-shelters">
          <thead>
            <tr>
              <th>{tb('shelter')}</th>
              <th>{tb('capacity')}</th>
              <th>{tb('load')}</th>
              <th>{tb('status')}</th>
            </tr>
          </thead>
          <tbody>
            {brief.shelters.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td className="num">{s.capacity ?? tb('none')}</td>
                <td className="num">{s.load === null ? tb('none') : `${s.load}${s.capacity ? `（${Math.round((100 * s.load) / s.capacity)}%）` : ''}`}</td>
                <td>{tb(`status_${s.status}`, { defaultValue: s.status })}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>{tb('resourcesTitle')}</h3>
        <table className="brief-table" data-testid="brief-resources">
          <thead>
            <tr>
              <th>{tb('waitsAt')}</th>
              <th>{tb('kind')}</th>
              <th>{tb('status')}</th>
              <th>{tb('count')}</th>
              <th>{tb('callsigns')}</th>
            </tr>
          </thead>
          <tbody>
            {brief.resources.map((r, i) => (
              <tr key={i}>
                <td>{r.waitsAt ?? tb('none')}</td>
                <td>{String(t(`resourceKind.${r.kind}`, { defaultValue: r.kind }))}</td>
                <td>{String(t(`resourceStatus.${r.status}`, { defaultValue: r.status }))}</td>
                <td className="num">{r.count}</td>
                <td className="brief-small">{r.callsigns.join('、')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {brief.plan && brief.plan.view.prePositions.length > 0 && (
          <>
            <h3>{tb('prePositionsTitle')}</h3>
            <table className="brief-table" data-testid="brief-prepositions">
              <thead>
                <tr>
                  <th>{tb('callsigns')}</th>
                  <th>{tb('kind')}</th>
                  <th>{tb('spot')}</th>
                  <th>{tb('depth')}</th>
                  <th>{tb('households')}</th>
                </tr>
              </thead>
              <tbody>
                {brief.plan.view.prePositions.map((r) => (
                  <tr key={r.resourceId}>
                    <td>{r.callsign}</td>
                    <td>{String(t(`resourceKind.${r.kind}`, { defaultValue: r.kind }))}</td>
                    <td>{r.label}</td>
                    <td className="num">{r.depthM.toFixed(2)}</td>
                    <td className="num">{r.households}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>

      <section className="brief-page" data-testid="brief-door-knock">
        <h2>{tb('doorKnockTitle')}</h2>
        {brief.plan ? <DoorKnockLists plan={brief.plan} /> : <p className="brief-small">{tb('noDoorKnock')}</p>}
      </section>

      <section className="brief-page brief-changes" data-testid="brief-changes">
        <h2>{tb('changesTitle')}</h2>
        {brief.previous === null ? (
          <p>{tb('firstBrief')}</p>
        ) : (
          <>
            <p>{tb('previousBrief', { n: brief.previous.number, time: bjtFull.format(brief.previous.madeAtUtcMs), by: brief.previous.madeBy })}</p>
            {changes.length === 0 ? (
              <p data-testid="brief-no-changes">{tb('noChanges')}</p>
            ) : (
              <ul>
                {changes.map((c, i) => (
                  <li key={i}>{changeText(c, p)}</li>
                ))}
              </ul>
            )}
          </>
        )}
      </section>
    </div>
  );
}

function Figure({ label, children }: { label: string; children: React.ReactNode }): React.JSX.Element {
  return (
    <div className="brief-figure">
      <div className="brief-figure-label">{label}</div>
      <div className="brief-figure-value">{children}</div>
    </div>
  );
}

interface Counts {
  buildings: number;
  households: number;
  residents: number;
  elderlyAlone: number;
  disabled: number;
  minors: number;
  elderly: number;
  lowIncome: number;
}
const COUNT_KEYS = ['buildings', 'households', 'residents', 'elderlyAlone', 'disabled', 'minors', 'elderly', 'lowIncome'] as const;

function CountRow({ name, workers, counts, className }: { name: string; workers: string; counts: Counts; className?: string }): React.JSX.Element {
  return (
    <tr className={className}>
      <td>{name}</td>
      <td className="brief-small">{workers}</td>
      {COUNT_KEYS.map((k) => (
        <td key={k} className="num">
          {counts[k]}
        </td>
      ))}
    </tr>
  );
}

function sumCounts(rows: readonly Counts[]): Counts {
  const out: Counts = { buildings: 0, households: 0, residents: 0, elderlyAlone: 0, disabled: 0, minors: 0, elderly: 0, lowIncome: 0 };
  for (const r of rows) for (const k of COUNT_KEYS) out[k] += r[k];
  return out;
}

function groupByCommunity<G extends { community: string | null }>(grids: readonly G[]): { name: string; grids: G[] }[] {
  const out = new Map<string, G[]>();
  for (const g of grids) {
    const k = g.community ?? tb('none');
    out.set(k, [...(out.get(k) ?? []), g]);
  }
  return [...out].map(([name, list]) => ({ name, grids: list }));
}

/** The district's warning signal and strongest wind hour by hour, around the hours with a signal. */
function SignalStrip({ brief, shiftMs }: { brief: TyphoonBrief; shiftMs: number }): React.JSX.Element {
  const { wind } = brief;
  const first = wind.signal.findIndex((s) => s > 0);
  const last = wind.signal.length - 1 - [...wind.signal].reverse().findIndex((s) => s > 0);
  const from = first < 0 ? 0 : Math.max(0, first - 6);
  const to = first < 0 ? Math.min(wind.hours - 1, 47) : Math.min(wind.hours - 1, last + 6, from + 95);
  const hours = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const t = zh();
  return (
    <div className="brief-strip" data-testid="brief-signals">
      <div className="brief-strip-cells">
        {hours.map((h) => {
          const ms = wind.startUtcMs + h * wind.stepMs + shiftMs;
          const hourOfDay = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', hour12: false }).format(ms));
          return (
            <div key={h} className="brief-strip-cell" style={{ background: SIGNAL_COLOURS[wind.signal[h]!] }} title={when(ms)}>
              <span className="brief-strip-force">{wind.force[h]}</span>
              {hourOfDay % 12 === 0 && <span className="brief-strip-time">{when(ms)}</span>}
            </div>
          );
        })}
      </div>
      <div className="brief-legend">
        {tb('legendSignal')}
        {SIGNALS.map((s, i) => (
          <span key={s} className="brief-legend-item">
            <span className="brief-swatch" style={{ background: SIGNAL_COLOURS[i] }} />
            {String(t(`typhoon.signal.${s}`))}
          </span>
        ))}
      </div>
    </div>
  );
}

function changeText(c: BriefChange, p: (ms: number | null) => string): string {
  const whatKey: Record<string, string> = {
    arrival7: 'arrival7', arrival10: 'arrival10', peak: 'peak', landfall: 'landfall', landfallPlace: 'landfall', bulletin: 'bulletin',
    gale7: 'gale7', gale10: 'gale10', maxForce: 'maxForce',
    'plan.households': 'planHouseholds', 'plan.people': 'planPeople', 'plan.vulnerable': 'planVulnerable', 'plan.placed': 'planPlaced', 'plan.unplaced': 'planUnplaced', 'plan.shelter': 'planShelter',
  };
  const label = tb(whatKey[c.what] ?? c.what);
  const what = c.grid ? tb('gridWhat', { grid: c.grid, what: label }) : label;
  if (c.kind === 'time') {
    if (c.beforeMs === null) return `${what}：${tb('nowArrives')}，${p(c.afterMs)}`;
    if (c.afterMs === null) return `${what}：${tb('noLongerArrives')}（${p(c.beforeMs)}）`;
    const h = Math.round(((c.afterMs - c.beforeMs) / 3_600_000) * 10) / 10;
    return tb('changeTime', { what, before: p(c.beforeMs), after: p(c.afterMs), delta: h < 0 ? tb('earlier', { h: -h }) : tb('later', { h }) });
  }
  const show = (v: string | number | null): string => (v === null ? tb('none') : c.what === 'peak' || c.what === 'maxForce' ? tb('force', { force: v }) : String(v));
  return tb('changeValue', { what, before: show(c.before), after: show(c.after) });
}

function districtCentre(brief: TyphoonBrief): [number, number] {
  const g = brief.wind.grids.filter((x) => x.buildings > 0);
  if (g.length === 0) {
    const { info } = useTwinStore.getState();
    return info ? [(info.bbox[0] + info.bbox[2]) / 2, (info.bbox[1] + info.bbox[3]) / 2] : [0, 0];
  }
  return [g.reduce((a, x) => a + x.centroid[0], 0) / g.length, g.reduce((a, x) => a + x.centroid[1], 0) / g.length];
}

type Plan = NonNullable<TyphoonBrief['plan']>;

function PlanSummary({ plan }: { plan: Plan }): React.JSX.Element {
  const v = plan.view;
  const km = (m: number): string => (m / 1000).toFixed(1);
  return (
    <div data-testid="brief-plan">
      <p className="brief-small">
        {tb('planMeta', {
          id: v.planId,
          time: bjtFull.format(v.createdAtMs),
          by: v.createdBy ?? tb('none'),
          dispatch: v.dispatchedAtMs === null ? tb('planNotDispatched') : tb('planDispatched', { time: bjtFull.format(v.dispatchedAtMs) }),
        })}
      </p>
      <p className="brief-note">
        {tb('planSummary', {
          households: v.totals.households,
          people: v.totals.people,
          vulnerable: v.totals.vulnerable,
          placed: v.totals.placedPeople,
          unplaced: v.totals.unplacedHouseholds,
          vehicle: v.totals.vehicleHouseholds,
          trips: v.totals.vehicleTrips,
          late: v.totals.lateGrids,
        })}
      </p>
      <p className="brief-small">
        {v.flood
          ? tb('planFlood', { label: v.flood.label, buildings: v.flood.buildingsFlooded, households: v.flood.householdsFlooded, foot: v.flood.roadsClosedOnFoot, cars: v.flood.roadsClosedToCars })
          : tb('planNoFlood')}{' '}
        {tb('planCompare', {
          optimal: km(v.comparison.optimalPersonMetres),
          nearest: km(v.comparison.nearestPersonMetres),
          overflow: v.comparison.overflowedShelters,
          excess: v.comparison.excessPeople,
          status: v.comparison.solverStatus,
          proved: v.comparison.provedOptimal ? tb('provedOptimal') : '',
        })}
      </p>
      <h3>{tb('rulesTitle')}</h3>
      <table className="brief-table" data-testid="brief-rules">
        <thead>
          <tr>
            <th>{tb('rule')}</th>
            <th>{tb('households')}</th>
            <th>{tb('residents')}</th>
          </tr>
        </thead>
        <tbody>
          {v.byRule.map((r) => (
            <tr key={r.ruleId}>
              <td>{r.label.zh}</td>
              <td className="num">{r.households}</td>
              <td className="num">{r.people}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {planNotes(v.notes).length > 0 && (
        <>
          <h3>{tb('planNotes')}</h3>
          <ul className="brief-small">
            {planNotes(v.notes).map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/**
 * The plan's notes a commander acts on, in Chinese like the rest of the briefing. The wind model's
 * fitting notes are the modeller's business and stay in the app.
 */
function planNotes(notes: readonly PlanNote[]): string[] {
  return notes.filter((n) => n.kind !== 'model').map((n) => n.zh);
}

function PlanGrids({ plan, p }: { plan: Plan; p: (ms: number | null) => string }): React.JSX.Element {
  const v = plan.view;
  const clockText = (c: Plan['view']['grids'][number]['clock']): string => {
    if (c.status === 'late') return tb('clock_late', { m: Math.abs(c.minutesToSpare ?? 0) });
    if (c.status === 'on-time') return tb('clock_onTime', { m: c.minutesToSpare ?? 0 });
    return tb(`clock_${c.status}`);
  };
  const communityOf = new Map(v.communities.map((c) => [c.communityId, c.name]));
  return (
    <>
      <h3>{tb('planGridsTitle')}</h3>
      <table className="brief-table" data-testid="brief-plan-grids">
        <thead>
          <tr>
            <th>{tb('grid')}</th>
            <th>{tb('moveHouseholds')}</th>
            <th>{tb('movePeople')}</th>
            <th>{tb('vulnerableH')}</th>
            <th>{tb('vehicleH')}</th>
            <th>{tb('unplacedH')}</th>
            <th>{tb('workersN')}</th>
            <th>{tb('doneBy')}</th>
            <th>{tb('clock')}</th>
          </tr>
        </thead>
        <tbody>
          {v.grids.map((g) => (
            <tr key={g.gridId} className={g.clock.late ? 'late' : undefined}>
              <td>
                {g.name}
                {g.communityId !== null && !g.name.startsWith(communityOf.get(g.communityId) ?? '\u0000') ? `（${communityOf.get(g.communityId) ?? ''}）` : ''}
              </td>
              <td className="num">{g.households}</td>
              <td className="num">{g.people}</td>
              <td className="num">{g.vulnerable}</td>
              <td className="num">{g.vehicleHouseholds}</td>
              <td className="num">{g.unplaced}</td>
              <td className="num">{g.workers}</td>
              <td className="num">{p(g.clock.mustBeDoneByUtcMs)}</td>
              <td>{clockText(g.clock)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function DoorKnockLists({ plan }: { plan: Plan }): React.JSX.Element {
  const lists = plan.doorKnock.filter((l) => l.households > 0);
  const named = lists.some((l) => l.named);
  return (
    <>
      {!named && <p className="brief-note">{tb('notNamed')}</p>}
      {lists.map((l) => (
        <div key={l.workerId} className="brief-knock" data-testid="brief-knock-list">
          <h3>{tb('doorKnockHead', { callsign: l.callsign, grid: l.gridName, households: l.households, people: l.people, vehicle: l.vehicleHouseholds, km: (l.routeM / 1000).toFixed(1) })}</h3>
          {l.stops.length > 0 && (
            <table className="brief-table">
              <thead>
                <tr>
                  <th>{tb('order')}</th>
                  <th>{tb('address')}</th>
                  <th>{tb('unit')}</th>
                  <th>{tb('size')}</th>
                  <th>{tb('contact')}</th>
                  <th>{tb('phone')}</th>
                  <th>{tb('vehicle')}</th>
                  <th>{tb('shelterTo')}</th>
                  <th>{tb('progress')}</th>
                </tr>
              </thead>
              <tbody>
                {l.stops.map((s) => (
                  <tr key={s.householdId}>
                    <td className="num">{s.order}</td>
                    <td>{s.address}</td>
                    <td>{s.unit}</td>
                    <td className="num">{s.size}</td>
                    <td>{s.contactName}</td>
                    <td className="num">{s.contactPhone}</td>
                    <td>{s.needsVehicle ? tb('yes') : ''}</td>
                    <td>{s.shelterName ?? (s.unplacedReason ? tb(`unplaced_${s.unplacedReason}`) : tb('none'))}</td>
                    <td>{s.status ? tb(`progress_${s.status}`) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
      {plan.stopsLeftOut > 0 && <p className="brief-note">{tb('stopsLeftOut', { n: plan.stopsLeftOut })}</p>}
    </>
  );
}

//#region maps
/** The briefing's maps, one after another (each holds a WebGL context while it draws). */
async function drawMaps(brief: TyphoonBrief): Promise<Maps> {
  const { info, columns, geometry, basemap, facilities } = twinData();
  const centre = districtCentre(brief);
  const labels = buildBasemapLabels(basemap);
  const { shiftMs } = useTyphoonStore.getState();
  const gridLabels = brief.grids
    .filter((g) => g.ring && g.buildings > 0)
    .map((g) => ({ position: ringCentre(g.ring!), text: `${shortGridName(g.name)}\n${g.arrival10UtcMs === null ? '' : `10级 ${shortTime(g.arrival10UtcMs + shiftMs)}`}` }));
  const shelterLabels = brief.shelters.map((s) => `${s.name} ${s.capacity ?? ''}`);
  // Canvas-drawn text (deck.gl's atlases, the icon atlas) waits for the bundled font's glyphs.
  await ensureFont([brief.districtName, brief.track.storm.nameZh ?? '', ...labels.map((l) => l.text), ...gridLabels.map((g) => g.text), ...shelterLabels, ...facilities.map((f) => f.name), '°ENS0123456789级·超强台风热带风暴低压'].join(''), 15_000);
  const atlas = getFacilityAtlas();
  const nowMs = playerNow();
  const district = boundsOf([[info.bbox[0], info.bbox[1]], [info.bbox[2], info.bbox[3]]], 0.04);
  const origin = { originLon: columns.originLon, originLat: columns.originLat };
  const districtMarker = (zoom: number): Layer[] => [
    new ScatterplotLayer({
      id: 'brief-district',
      data: [centre],
      getPosition: (d: [number, number]) => d,
      getFillColor: [43, 196, 224, 255],
      getLineColor: [255, 255, 255, 255],
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
      radiusUnits: 'pixels',
      getRadius: zoom < 9 ? 7 : 0,
      parameters: { depthCompare: 'always', depthWriteEnabled: false },
    }),
    // Left of its marker: the storm's own label (typhoon layers) sits above the storm, often close by.
    textLayer('brief-district-label', [{ position: centre, text: brief.districtName }], 16, [150, 236, 255, 255], [-12, 0], 'end'),
  ];

  // 1. The whole track with the forecast and the circles where the storm is now.
  const trackPoints = [...brief.track.fixes, ...brief.track.forecast].map((p) => [p.lon, p.lat] as [number, number]);
  const trackBounds = boundsOf([...trackPoints, centre], 0.06);
  const track = await drawBriefMap({
    width: MAP_W,
    height: MAP_H,
    bounds: trackBounds,
    basemap,
    layers: (zoom) => [...graticule(trackBounds), ...typhoonLayers.build({ timeMs: nowMs, ...origin }), ...districtMarker(zoom)],
  });

  // 2. The region when force 10 reaches the district: its circles over the district.
  const at10 = brief.wind.arrival10UtcMs ?? brief.wind.peakUtcMs;
  let circles: string | null = null;
  if (at10 !== null) {
    const region = boundsOf([centre], 0, 6);
    circles = await drawBriefMap({
      width: MAP_W,
      height: 380,
      bounds: region,
      basemap,
      layers: (zoom) => [...graticule(region, 1), ...typhoonLayers.build({ timeMs: at10 + shiftMs, ...origin }), ...districtMarker(zoom)],
    });
  }

  // The water: the plan's rain scenario (else the flood tab's default), at its deepest hour, drawn
  // by the typhoon module's own water layer.
  const planned = brief.plan?.view.flood ?? null;
  if (planned) useFloodStore.setState({ rain: { source: 'design', totalMm: planned.totalMm, hours: planned.hours } });
  useFloodStore.setState({ visible: true });
  await loadFlood();
  const { flood: floodView, unavailable } = useFloodStore.getState();
  let flood: Maps['flood'] = unavailable ? { unavailable: unavailable.message } : null;
  let floodAt: number | null = null;
  if (floodView && floodView.perStep.length > 0) {
    const deepest = floodView.perStep.reduce((best, s, i, all) => (s.pondedM3 > all[best]!.pondedM3 ? i : best), 0);
    floodAt = floodStepTime(floodView, deepest);
    const at = floodView.perStep[deepest]!;
    // The hour of the heaviest rain (step s is the hour ending at floodStepTime(s)).
    const wettest = floodView.hourlyMm.reduce((best, mm, i, all) => (mm > all[best]! ? i : best), 0);
    flood = {
      label: floodView.label,
      atMs: floodAt,
      householdsFlooded: at.householdsFlooded,
      roadsClosedToCars: at.roadsClosedToCars,
      peakRainAtMs: floodStepTime(floodView, wettest) - floodView.stepMs,
      peakRainMm: floodView.hourlyMm[wettest] ?? 0,
    };
  }

  // 3. Risk: grids by their households that cannot leave alone (elderly living alone, disabled),
  // buildings by their care households, the water at its deepest, each grid labelled with when
  // force 10 reaches it.
  const vulnerable = (g: TyphoonBrief['grids'][number]): number => g.elderlyAlone + g.disabled;
  const maxVulnerable = Math.max(1, ...brief.grids.map(vulnerable));
  const gridColour = (g: TyphoonBrief['grids'][number]): Rgb => (g.buildings === 0 ? [90, 100, 116] : rampColour(RAMP, vulnerable(g) / maxVulnerable));
  const risk = await drawBriefMap({
    width: MAP_W,
    height: 470,
    bounds: district,
    basemap,
    layers: (zoom) => [
      new PolygonLayer({
        id: 'brief-grids',
        data: brief.grids.filter((g) => g.ring),
        getPolygon: (g: TyphoonBrief['grids'][number]) => g.ring!,
        getFillColor: (g: TyphoonBrief['grids'][number]) => [...gridColour(g), 70] as [number, number, number, number],
        getLineColor: [255, 255, 255, 200],
        lineWidthUnits: 'pixels',
        getLineWidth: 1.5,
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
      }),
      ...buildLayers({ columns, geometry, colouring: colouringNow(columns, geometry, 'careHouseholds'), selectedRow: -1, hoveredRow: -1, facilities: [], atlas: null, labels: null, showFacilityNames: false, zoom }).layers,
      ...(floodAt === null ? [] : floodLayers.build({ timeMs: floodAt, ...origin })),
      textLayer('brief-grid-labels', gridLabels, 13, [255, 255, 255, 255]),
    ],
  });

  // 4. The plan's map: each grid worker's door-knock route, shelters by capacity (with the plan's
  // load), pump trucks and boats where the plan puts them, and where the other resources wait.
  const routes = planRoutes(brief, geometry);
  const plannedLoad = new Map(brief.plan?.view.shelters.map((s) => [s.shelterId, s.planned]) ?? []);
  const prePositions = brief.plan?.view.prePositions ?? [];
  const depots = new Map<string, number>();
  for (const r of brief.resources) if (r.waitsAt) depots.set(r.waitsAt, (depots.get(r.waitsAt) ?? 0) + r.count);
  const depotPlaces = facilities.filter((f) => depots.has(f.name)).map((f) => ({ position: [f.lon, f.lat] as [number, number], text: `${f.name} ${depots.get(f.name)}` }));
  const maxCap = Math.max(1, ...brief.shelters.map((s) => s.capacity ?? 0));
  // Community and area names only: road names and the like bury the shelters' labels on paper.
  const areaLabels = labels.filter((l) => l.kind === 'community' || l.kind === 'area');
  const plan = await drawBriefMap({
    width: MAP_W,
    height: 470,
    bounds: district,
    basemap,
    layers: (zoom) => [
      ...buildLayers({ columns, geometry, colouring: colouringNow(columns, geometry, 'use'), selectedRow: -1, hoveredRow: -1, facilities, atlas, labels: areaLabels, showFacilityNames: false, zoom }).layers,
      new ScatterplotLayer({
        id: 'brief-shelters',
        data: brief.shelters,
        getPosition: (s: TyphoonBrief['shelters'][number]) => [s.lon, s.lat],
        getFillColor: [60, 220, 140, 90],
        getLineColor: [60, 220, 140, 255],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
        radiusUnits: 'pixels',
        getRadius: (s: TyphoonBrief['shelters'][number]) => 8 + 22 * Math.sqrt((s.capacity ?? 0) / maxCap),
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
      }),
      new PathLayer({
        id: 'brief-routes',
        data: routes,
        getPath: (r: { path: [number, number][] }) => r.path,
        getColor: (r: { colour: Rgb }) => [...r.colour, 230] as [number, number, number, number],
        getWidth: 2.5,
        widthUnits: 'pixels',
        jointRounded: true,
        capRounded: true,
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
      }),
      new ScatterplotLayer({
        id: 'brief-route-starts',
        data: routes,
        getPosition: (r: { path: [number, number][] }) => r.path[0]!,
        getFillColor: (r: { colour: Rgb }) => [...r.colour, 255] as [number, number, number, number],
        getLineColor: [255, 255, 255, 255],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 1.5,
        radiusUnits: 'pixels',
        getRadius: 4,
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
      }),
      new ScatterplotLayer({
        id: 'brief-prepositions',
        data: prePositions,
        getPosition: (r: { lon: number; lat: number }) => [r.lon, r.lat],
        getFillColor: (r: { kind: string }) => (r.kind === 'rescue_boat' ? [80, 170, 255, 255] : [255, 150, 40, 255]),
        getLineColor: [255, 255, 255, 255],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
        radiusUnits: 'pixels',
        getRadius: 6,
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
      }),
      textLayer('brief-preposition-labels', prePositions.map((r) => ({ position: [r.lon, r.lat] as [number, number], text: r.callsign })), 12, [255, 200, 140, 255], [0, 16]),
      textLayer(
        'brief-shelter-labels',
        brief.shelters.map((s) => ({ position: [s.lon, s.lat] as [number, number], text: brief.plan ? `${s.name} ${plannedLoad.get(s.id) ?? 0}/${s.capacity ?? '?'}` : `${s.name} ${s.capacity ?? ''}` })),
        13,
        [170, 255, 200, 255],
        [0, -30],
      ),
      ...(brief.plan ? [] : [textLayer('brief-depot-labels', depotPlaces, 12, [255, 214, 120, 255], [0, 18])]),
    ],
  });
  return { track, circles, risk, plan, flood };
}

type TwinState = ReturnType<typeof useTwinStore.getState>;
interface TwinData {
  info: NonNullable<TwinState['info']>;
  columns: NonNullable<TwinState['buildings']>;
  geometry: NonNullable<TwinState['geometry']>;
  basemap: NonNullable<TwinState['basemap']>;
  facilities: NonNullable<TwinState['facilities']>;
}

function twinData(): TwinData {
  const s = useTwinStore.getState();
  if (!s.info || !s.buildings || !s.geometry || !s.basemap) throw new Error('the twin is not loaded');
  return { info: s.info, columns: s.buildings, geometry: s.geometry, basemap: s.basemap, facilities: s.facilities ?? [] };
}

function textLayer(
  id: string,
  data: { position: [number, number]; text: string }[],
  size: number,
  colour: [number, number, number, number],
  offset: [number, number] = [0, 0],
  anchor: 'start' | 'middle' | 'end' = 'middle',
): Layer {
  return new TextLayer({
    id,
    data,
    getTextAnchor: anchor,
    getPosition: (d: { position: [number, number] }) => d.position,
    getText: (d: { text: string }) => d.text,
    getSize: size,
    getColor: colour,
    getPixelOffset: offset,
    fontFamily: FONT_FAMILY,
    characterSet: 'auto',
    sizeUnits: 'pixels',
    fontWeight: 700,
    fontSettings: { sdf: true, fontSize: 56, buffer: 10, radius: 14, cutoff: 0.22, smoothing: 0.12 },
    outlineWidth: 5,
    outlineColor: [4, 8, 16, 235],
    parameters: { depthCompare: 'always', depthWriteEnabled: false },
  });
}

/** Lines of longitude and latitude every `stepDeg`, with their degrees, so a map of open sea still says where it is. */
function graticule(b: LonLatBounds, stepDeg = 5): Layer[] {
  const labels: { position: [number, number]; text: string }[] = [];
  const inset = (b[3] - b[1]) * 0.02;
  for (let lon = Math.ceil(b[0] / stepDeg) * stepDeg; lon <= b[2]; lon += stepDeg) labels.push({ position: [lon, b[1] + inset], text: `${lon}°E` });
  for (let lat = Math.ceil(b[1] / stepDeg) * stepDeg; lat <= b[3]; lat += stepDeg) labels.push({ position: [b[0] + inset, lat], text: `${lat}°N` });
  return [graticuleLines(b, stepDeg), textLayer('brief-graticule-labels', labels, 11, [140, 170, 200, 255], [4, -8], 'start')];
}

function graticuleLines(b: LonLatBounds, stepDeg: number): Layer {
  const lines: [number, number][][] = [];
  for (let lon = Math.ceil(b[0] / stepDeg) * stepDeg; lon <= b[2]; lon += stepDeg) lines.push([[lon, b[1]], [lon, b[3]]]);
  for (let lat = Math.ceil(b[1] / stepDeg) * stepDeg; lat <= b[3]; lat += stepDeg) lines.push([[b[0], lat], [b[2], lat]]);
  return new PathLayer({
    id: 'brief-graticule',
    data: lines,
    getPath: (d: [number, number][]) => d,
    getColor: [90, 130, 170, 120],
    getWidth: 1,
    widthUnits: 'pixels',
    parameters: { depthCompare: 'always', depthWriteEnabled: false },
  });
}

/** Distinct colours for neighbouring routes on the dark map. */
const ROUTE_COLOURS: Rgb[] = [
  [255, 99, 132], [54, 200, 235], [255, 206, 86], [120, 230, 120], [200, 140, 255], [255, 159, 64], [80, 220, 200], [240, 120, 220],
];

/** Each door-knock list as a line through its buildings in visiting order (lists named for the caller only). */
function planRoutes(brief: TyphoonBrief, geometry: TwinData['geometry']): { path: [number, number][]; colour: Rgb }[] {
  const out: { path: [number, number][]; colour: Rgb }[] = [];
  for (const list of brief.plan?.doorKnock ?? []) {
    const path: [number, number][] = [];
    let last = -1;
    for (const stop of list.stops) {
      if (stop.buildingId === last) continue;
      last = stop.buildingId;
      const row = geometry.rowOfId.get(stop.buildingId);
      if (row !== undefined) path.push([geometry.centroids[2 * row]!, geometry.centroids[2 * row + 1]!]);
    }
    if (path.length > 1) out.push({ path, colour: ROUTE_COLOURS[out.length % ROUTE_COLOURS.length]! });
  }
  return out;
}

function ringCentre(ring: [number, number][]): [number, number] {
  const pts = ring.length > 1 ? ring.slice(0, -1) : ring;
  return [pts.reduce((a, p) => a + p[0], 0) / pts.length, pts.reduce((a, p) => a + p[1], 0) / pts.length];
}

const bjtClock = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, hour: '2-digit', minute: '2-digit' });
const shortTime = (ms: number): string => bjtClock.format(ms);

/** "望江社区第1网格" → "望江1": grid labels must fit inside the grid on paper. */
function shortGridName(name: string): string {
  const m = /^(.{1,2}).*?第?(\d+)网格$/.exec(name);
  return m ? `${m[1]}${m[2]}` : name;
}
//#endregion

