/** Typhoon planning's entry in the feature services registry (electron/services/modules.ts). */
import type { ServiceModule } from '../modules.ts';
import { TyphoonService } from './TyphoonService.ts';
import { EvacuationPlanService } from './EvacuationPlanService.ts';
import type { TyphoonApi } from '../../common/typhoon/contract.ts';

/** An object's methods bound to it, as plain properties: two services serve one section. */
function methodsOf<T extends object>(service: T): T {
  const out: Record<string, unknown> = {};
  for (let proto = Object.getPrototypeOf(service) as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null)
    for (const name of Object.getOwnPropertyNames(proto)) {
      const member = (service as Record<string, unknown>)[name];
      if (name !== 'constructor' && typeof member === 'function' && !(name in out)) out[name] = (member as (...a: unknown[]) => unknown).bind(service);
    }
  return out as T;
}

export const typhoonServiceModule: ServiceModule<'typhoon'> = {
  start: async ({ store, ingest, personalData }) => {
    const plans = new EvacuationPlanService({ store, ingest, personalData });
    const service = new TyphoonService(store, personalData, plans);
    const api = { ...methodsOf(service), ...methodsOf(plans) } as TyphoonApi;
    return {
      api,
      onCommitted: (events) => {
        service.onCommitted(events);
        plans.onCommitted(events);
      },
    };
  },
};
