/**
 * What-if (issue 11 §5): two scenarios of the storm side by side — rain total and the track moved
 * north or south — and what changes for the plan: households the rules put in it, shelter load,
 * roads the water cuts. Counts only (typhoon.compareScenarios).
 */
import { useTranslation } from 'react-i18next';
import type { ScenarioOutcomeView, WhatIfScenario } from '../../../electron/common/typhoon/flood.ts';
import { compareWhatIf, DEFAULT_RAIN_HOURS, setWhatIf, useFloodStore } from './floodStore.ts';
import { useTyphoonStore } from './store.ts';

const SHIFTS_KM = [-60, -30, 0, 30, 60] as const;

interface Row {
  key: string;
  value: (o: ScenarioOutcomeView) => number | null;
  /** A rise is bad news (red), or good (more people placed). */
  riseIsBad: boolean;
}

const ROWS: Row[] = [
  { key: 'households', value: (o) => o.households, riseIsBad: true },
  { key: 'people', value: (o) => o.people, riseIsBad: true },
  { key: 'floodedLow', value: (o) => o.byRule.find((r) => r.ruleId === 'flooded-low-floor')?.households ?? 0, riseIsBad: true },
  { key: 'vulnerable', value: (o) => o.byRule.find((r) => r.ruleId === 'vulnerable-weak-building')?.households ?? 0, riseIsBad: true },
  { key: 'buildings', value: (o) => o.flood?.buildings ?? null, riseIsBad: true },
  { key: 'roadsCars', value: (o) => o.flood?.roadsClosedToCars ?? null, riseIsBad: true },
  { key: 'roadsCarsKm', value: (o) => (o.flood ? Math.round(o.flood.closedToCarsM / 100) / 10 : null), riseIsBad: true },
  { key: 'roadsFoot', value: (o) => o.flood?.roadsClosedOnFoot ?? null, riseIsBad: true },
  { key: 'force10', value: (o) => o.wind.buildingsInForce10, riseIsBad: true },
  { key: 'peakForce', value: (o) => o.wind.peakForce, riseIsBad: true },
  { key: 'places', value: (o) => o.shelters.places, riseIsBad: false },
  { key: 'placed', value: (o) => o.shelters.placedPeople, riseIsBad: false },
  { key: 'unplaced', value: (o) => o.shelters.unplacedPeople, riseIsBad: true },
  { key: 'overflow', value: (o) => o.shelters.nearestOverflowed, riseIsBad: true },
];

export function ScenarioCompare(): React.JSX.Element | null {
  const { t } = useTranslation();
  const selectedId = useTyphoonStore((s) => s.selectedId);
  const { whatIf, comparison, comparing } = useFloodStore();
  if (selectedId === null) return null;
  const shiftLabel = (km: number): string =>
    km === 0 ? t('typhoon.flood.whatIf.asForecast') : km > 0 ? t('typhoon.flood.whatIf.shiftNorth', { km }) : t('typhoon.flood.whatIf.shiftSouth', { km: -km });
  const editor = (side: 'a' | 'b'): React.JSX.Element => {
    const s = whatIf[side];
    const mm = s.rain.source === 'design' ? s.rain.totalMm : 0;
    const update = (next: Partial<{ mm: number; shift: number }>): void => {
      const scenario: WhatIfScenario = {
        rain: { source: 'design', totalMm: next.mm ?? mm, hours: DEFAULT_RAIN_HOURS },
        trackShiftKm: next.shift ?? s.trackShiftKm,
      };
      setWhatIf(side, scenario);
    };
    return (
      <fieldset className="whatif-side" data-testid={`whatif-${side}`}>
        <legend>{t(`typhoon.flood.whatIf.${side}`)}</legend>
        <label>
          {t('typhoon.flood.whatIf.rainMm')}
          <input
            className="flood-number"
            type="number"
            min={0}
            max={2000}
            step={10}
            value={mm}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (Number.isFinite(v) && v >= 0 && v <= 2000) update({ mm: v });
            }}
            data-testid={`whatif-${side}-mm`}
          />
        </label>
        <label>
          {t('typhoon.flood.whatIf.shiftKm')}
          <select className="select whatif-shift" value={s.trackShiftKm} onChange={(e) => update({ shift: Number(e.target.value) })} data-testid={`whatif-${side}-shift`}>
            {SHIFTS_KM.map((km) => (
              <option key={km} value={km}>
                {shiftLabel(km)}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
    );
  };
  return (
    <section className="whatif-section" data-testid="whatif-section">
      <span className="eyebrow">{t('typhoon.flood.whatIf.title')}</span>
      <div className="whatif-sides">
        {editor('a')}
        {editor('b')}
      </div>
      <button type="button" className="btn btn-primary" disabled={comparing} onClick={() => void compareWhatIf()} data-testid="whatif-compare">
        {comparing ? t('typhoon.flood.whatIf.comparing') : t('typhoon.flood.whatIf.compare')}
      </button>
      {comparison && (
        <>
          {comparison.noTerrain && <p className="flood-notice">{t('typhoon.flood.whatIf.noTerrain')}</p>}
          <table className="typhoon-grids whatif-table" data-testid="whatif-table">
            <thead>
              <tr>
                <th>{t('typhoon.flood.whatIf.metric')}</th>
                <th>
                  A<span className="whatif-scenario-name">{t('typhoon.flood.presetMm', { mm: Math.round(comparison.a.rainMm) })} · {shiftLabel(comparison.a.trackShiftKm)}</span>
                </th>
                <th>
                  B<span className="whatif-scenario-name">{t('typhoon.flood.presetMm', { mm: Math.round(comparison.b.rainMm) })} · {shiftLabel(comparison.b.trackShiftKm)}</span>
                </th>
                <th>{t('typhoon.flood.whatIf.delta')}</th>
              </tr>
            </thead>
            <tbody>
              {ROWS.map((row) => {
                const a = row.value(comparison.a);
                const b = row.value(comparison.b);
                const delta = a === null || b === null ? null : Math.round((b - a) * 10) / 10;
                const tone = delta === null || delta === 0 ? '' : delta > 0 === row.riseIsBad ? 'is-worse' : 'is-better';
                return (
                  <tr key={row.key} data-row={row.key}>
                    <td>{t(`typhoon.flood.whatIf.row.${row.key}`)}</td>
                    <td className="mono">{a ?? '—'}</td>
                    <td className="mono">{b ?? '—'}</td>
                    <td className={`mono ${tone}`}>{delta === null ? '—' : delta > 0 ? `+${delta}` : delta}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="whatif-shelters">
            <span className="muted">{t('typhoon.flood.whatIf.shelterLoad')}</span>
            {comparison.a.shelters.loads.map((s) => {
              const b = comparison.b.shelters.loads.find((x) => x.shelterId === s.shelterId);
              return (
                <div key={s.shelterId} className="whatif-shelter">
                  <span className="whatif-shelter-name">{s.name}</span>
                  <span className="mono">
                    {s.planned} → {b?.planned ?? 0} / {s.capacity}
                  </span>
                  <span className="whatif-bar">
                    <span style={{ width: `${Math.min(100, (100 * (b?.planned ?? 0)) / Math.max(1, s.capacity))}%` }} />
                  </span>
                </div>
              );
            })}
          </div>
        </>
      )}
    </section>
  );
}
