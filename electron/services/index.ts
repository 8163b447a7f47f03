/**
 * Builds the contract's implementation over an open store. Both hosts call this; neither has
 * service code of its own.
 */
import type { ApiName, AppApi } from '../common/contract.ts';
import { CONTRACT } from '../common/contract.ts';
import type { HostInfo } from '../common/dto.ts';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { StoreService } from './StoreService.ts';

export const APP_VERSION = '0.1.0';

export function createServices(store: DuckDbStore, host: HostInfo['host'], personalData: HostInfo['personalData']): AppApi {
  return {
    store: new StoreService(store, { personalData }),
    window: { getHostInfo: async () => ({ host, version: APP_VERSION, personalData }) },
  };
}

/** Thrown for a call outside the contract; hosts answer it with 404 / a rejected invoke. */
export class UnknownMethodError extends Error {}

/**
 * Calls `api.method(...args)` if and only if the contract declares it. Guards the generic RPC
 * paths of both hosts against `constructor`, `__proto__` and friends.
 */
export async function dispatch(services: AppApi, api: string, method: string, args: unknown): Promise<unknown> {
  if (!Object.hasOwn(CONTRACT, api) || !Object.hasOwn(CONTRACT[api as ApiName], method)) {
    throw new UnknownMethodError(`Unknown method ${api}.${method}`);
  }
  if (!Array.isArray(args) || args.length > 8) throw new TypeError('Arguments must be an array of at most 8 values.');
  const target = services[api as ApiName] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  return target[method]!.apply(target, args);
}
