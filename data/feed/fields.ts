/**
 * Field rules shared by every feature module's event schemas: what the store can hold and what a
 * place on Earth is. A module's schemas build on these so that validation refuses whatever the
 * store would (issue 9), in one place.
 */
import { z } from 'zod';

/**
 * Integer fields land in DuckDB INTEGER columns (buildings, households, resources, assignees): a
 * value zod would accept as an integer but the column cannot hold would fail the whole group
 * commit, so validation refuses it here with the range.
 */
export const INT32_MAX = 2 ** 31 - 1;
export const entityId = z.number().int().nonnegative().max(INT32_MAX);
export const lon = z.number().finite().min(-180).max(180);
export const lat = z.number().finite().min(-90).max(90);
export const text = (max: number) => z.string().trim().min(1).max(max);

/** A module's event types and the schema of each one's `data`. */
export type EventSchemas = Record<string, z.ZodType>;
