/**
 * The audit viewer's filters as the host takes them. Times are entered and shown in Beijing time
 * (as everywhere in the UI), whatever the zone of the machine the console runs on.
 */
import type { AuditFilter } from '../../../electron/common/auditLog.ts';

export type PeriodPreset = 'hour' | 'today' | 'week' | 'all';

export interface AuditFilterForm {
  /** `YYYY-MM-DDTHH:mm` in Beijing time, or '' for open-ended. */
  from: string;
  to: string;
  actor: string;
  action: string;
  subject: string;
}

export const EMPTY_FORM: AuditFilterForm = { from: '', to: '', actor: '', action: '', subject: '' };

const BEIJING_OFFSET_MS = 8 * 3600_000;

/** `2026-11-25T14:03` (Beijing) → epoch ms; null when empty or not a time. */
export function beijingInputToMs(value: string): number | null {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(value)) return null;
  const ms = Date.parse(`${value}:00+08:00`);
  return Number.isFinite(ms) ? ms : null;
}

/** Epoch ms → `2026-11-25T14:03` in Beijing time, for a datetime-local input. */
export function msToBeijingInput(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 16);
}

/** The from/to of a preset period ending now. */
export function presetRange(preset: PeriodPreset, nowMs: number): Pick<AuditFilterForm, 'from' | 'to'> {
  if (preset === 'all') return { from: '', to: '' };
  if (preset === 'hour') return { from: msToBeijingInput(nowMs - 3600_000), to: '' };
  if (preset === 'week') return { from: msToBeijingInput(nowMs - 7 * 86_400_000), to: '' };
  return { from: `${msToBeijingInput(nowMs).slice(0, 10)}T00:00`, to: '' };
}

/** The form as the host's filter (`to` is inclusive of its minute). */
export function toFilter(form: AuditFilterForm, page: number, pageSize: number): AuditFilter {
  const to = beijingInputToMs(form.to);
  return {
    fromMs: beijingInputToMs(form.from),
    toMs: to === null ? null : to + 60_000,
    actor: form.actor.trim() || null,
    action: form.action || null,
    subject: form.subject.trim() || null,
    limit: pageSize,
    offset: page * pageSize,
  };
}

/** The i18n key of an action (`incident.accept` → `audit.actions.incident_accept`). */
export const actionKey = (action: string): string => `audit.actions.${action.replace(/[^a-z0-9_]/gi, '_')}`;
