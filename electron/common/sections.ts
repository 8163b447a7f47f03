/**
 * What a contract section is made of: each method's access and the schema of its arguments, and
 * the argument rules the sections share. A feature module's section (electron/common/<module>/
 * contract.ts) is built from these and listed once in contract.ts SECTIONS.
 */
import { z } from 'zod';
import type { Access } from './access.ts';

/**
 * One method of a contract section: who may call it (electron/common/access.ts) and the schema of
 * its arguments. Both are enforced in one place (`dispatch`) for both hosts, so no method ever
 * sees an argument of the wrong type, size or range, and no caller a method beyond its role.
 */
export interface MethodSpec {
  access: Access;
  args: z.ZodTuple;
}
/** `event` members are pushed by the host to callers who may `view`; they take no arguments. */
export type MemberSpec = MethodSpec | 'event';

export const m = (access: Access, ...args: z.ZodType[]): MethodSpec => ({ access, args: z.tuple(args as [z.ZodType, ...z.ZodType[]]) });
export const NO_ARGS = (access: Access): MethodSpec => ({ access, args: z.tuple([]) });

// Argument rules shared by the sections: ids the store keeps as INTEGER, bounded texts.
export const recordId = z.number().int().nonnegative().max(2 ** 31 - 1);
export const idText = z.string().min(1).max(128);
export const reason = z.string().max(500);
export const epochMs = z.number().finite().min(0).max(8.64e15);
