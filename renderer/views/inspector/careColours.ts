/**
 * Colour of a dwelling in the inspector by its household's care flags, most urgent first: an
 * elderly person living alone outranks everything else (the meter-alert case).
 */
import { CareFlag } from '../../../data/model/domain.ts';

export const CARE_CLASSES = ['elderlyAlone', 'disabled', 'lowIncome', 'minor', 'elderly', 'none'] as const;
export type CareClass = (typeof CARE_CLASSES)[number];

export const CARE_COLOURS: Record<CareClass, string> = {
  elderlyAlone: '#ff6a2b',
  disabled: '#a66bff',
  lowIncome: '#8fd14f',
  minor: '#2fd4f0',
  elderly: '#d9b56a',
  none: '#587290',
};

export function careClassOf(flags: number): CareClass {
  if (flags & CareFlag.ElderlyAlone) return 'elderlyAlone';
  if (flags & CareFlag.Disabled) return 'disabled';
  if (flags & CareFlag.LowIncome) return 'lowIncome';
  if (flags & CareFlag.Minor) return 'minor';
  if (flags & CareFlag.Elderly) return 'elderly';
  return 'none';
}
