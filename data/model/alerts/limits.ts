/** Limits of acting on meter alerts in bulk, shared by the contract (zod) and the console's form. */

/** At most this many alerts are acknowledged by one call. */
export const BULK_ACK_MAX = 200;
/** A bulk acknowledgement's reason, trimmed (it goes into the audit log and each event). */
export const BULK_ACK_REASON = { min: 2, max: 500 } as const;
