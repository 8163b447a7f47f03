/**
 * Masking of personal data for display. Pure functions: the service layer decrypts, masks and
 * sends only the masked strings; the renderer never receives clear personal data unless a reveal
 * with a reason was granted (DESIGN.md §6).
 */

/** `13812345678` → `138****5678`. Anything that is not 11 digits keeps only its last 2 characters. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length === 11) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  if (phone.length <= 2) return '*'.repeat(phone.length);
  return '*'.repeat(phone.length - 2) + phone.slice(-2);
}

/**
 * Resident ID numbers (18 characters): digits 7–14 are the date of birth and are never shown
 * (GB/T 35273 practice). `110105199003071234` → `110105********1234`.
 */
export function maskIdNumber(id: string): string {
  if (id.length < 14) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(8)}${id.slice(14)}`;
}

/** `张伟` → `张*`, `欧阳明月` → `欧***`; Latin names keep their initial. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** Clear-text content of `persons.pii_enc` (encrypted JSON). */
export interface PersonPii {
  name: string;
  idNumber: string;
  phone: string;
}
/** Clear-text content of `households.contact_enc` and `grid_workers.pii_enc`. */
export interface ContactPii {
  name: string;
  phone: string;
}

/**
 * Length of the reason required to see a household's personal data in full (trimmed; it goes
 * into the audit log). "核实安全" is four characters.
 */
export const REVEAL_REASON = { min: 4, max: 200 } as const;
