/**
 * Residents' reports (居民上报): what a resident may report through the host's public form, the
 * form's limits, the receipt code they follow it with, and what their rating does (评价 by the
 * resident who reported; a low one reopens the incident). Pure.
 */
import type { IncidentCategory, IncidentStatus } from '../incidents.ts';

/**
 * What a resident may pick. Fire and medical emergencies are not reported through a web form
 * (the page tells them to call 119 / 120); typhoon tasks are the command's own.
 */
export const RESIDENT_CATEGORIES = [
  'garbage',
  'street_vending',
  'waterlogging',
  'streetlight',
  'noise',
  'facility_damage',
  'elderly_care',
  'other',
] as const satisfies readonly IncidentCategory[];
export type ResidentCategory = (typeof RESIDENT_CATEGORIES)[number];

/** Severity a resident's report opens with (an operator may raise it at acceptance). */
export const RESIDENT_SEVERITY: Record<ResidentCategory, 1 | 2 | 3> = {
  garbage: 1,
  street_vending: 1,
  waterlogging: 2,
  streetlight: 1,
  noise: 1,
  facility_damage: 2,
  elderly_care: 3,
  other: 1,
};

/** The form's limits: what a resident can send, and how often from one address. */
export const RESIDENT_LIMITS = {
  descriptionMin: 4,
  descriptionMax: 300,
  commentMax: 200,
  /** A photo, decoded (the page scales a phone's photo down to well under this). */
  photoBytes: 1024 * 1024,
  /** A whole request: the photo as base64 plus the fields. */
  bodyBytes: 1_500_000,
  /** Requests for reading the form or a receipt: per address per minute. */
  readsPerMinute: 60,
  /** Reports sent from one address within `submitWindowMs`. */
  submitsPerWindow: 5,
  submitWindowMs: 10 * 60_000,
  /** Ratings sent from one address within `submitWindowMs`. */
  ratingsPerWindow: 10,
  /** A form's token is good for this long, and once. */
  formTokenMs: 2 * 3600_000,
} as const;

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

/** A rating at or below this reopens the incident (居民不满意，重新处置). */
export const REOPEN_AT_OR_BELOW = 2;

/**
 * Receipt codes: 16 characters of Crockford base32 (80 random bits), shown in groups of four.
 * Only a hash of the code is kept, so the twin's file cannot be used to follow anyone's report.
 */
export const RECEIPT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECEIPT_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}(-?[0-9A-HJKMNP-TV-Z]{4}){3}$/;
export function formatReceipt(raw16: string): string {
  return raw16.match(/.{4}/g)!.join('-');
}
/** A typed code back to its canonical form (upper case, I/L → 1, O → 0, dashes and spaces dropped), or null. */
export function normaliseReceipt(typed: string): string | null {
  const s = typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (s.length !== 16 || ![...s].every((c) => RECEIPT_ALPHABET.includes(c))) return null;
  return formatReceipt(s);
}

/** What the resident's page calls each state of the loop. */
export type ResidentStage = 'received' | 'accepted' | 'dispatched' | 'handling' | 'handled' | 'rated' | 'closed' | 'cancelled' | 'reopened';
export function residentStage(status: IncidentStatus, reopened: boolean): ResidentStage {
  if (reopened && (status === 'accepted' || status === 'reported')) return 'reopened';
  switch (status) {
    case 'reported':
      return 'received';
    case 'feedback':
      return 'handled';
    case 'evaluated':
      return 'rated';
    default:
      return status;
  }
}
/** The resident may rate once handling is over (feedback) or the operator closed it unrated. */
export const mayRate = (stage: ResidentStage, alreadyRated: boolean): boolean => !alreadyRated && (stage === 'handled' || stage === 'closed');
