/**
 * The KPI dashboard's entry in the feature services registry (electron/services/modules.ts): the
 * figures of a period, computed in DuckDB from the event log (data/analytics/kpi/). The incident
 * facts are built at the first request and kept current from then on; requests run one at a time
 * so two open dashboards never build them twice.
 */
import type { ServiceModule } from '../modules.ts';
import type { KpiApi } from '../../common/kpi/contract.ts';
import type { KpiPeriod, KpiReport } from '../../../data/model/kpi/index.ts';
import { computeKpis } from '../../../data/analytics/kpi/kpiQueries.ts';
import { dropFacts } from '../../../data/analytics/kpi/kpiFacts.ts';

export const kpiServiceModule: ServiceModule<'kpi'> = {
  start: async ({ store }) => {
    let queue: Promise<unknown> = Promise.resolve();
    const api: KpiApi = {
      getReport: (period: KpiPeriod): Promise<KpiReport> => {
        const next = queue.then(() =>
          computeKpis(store, { fromMs: period.fromMs, toMs: period.toMs }, Date.now()),
        );
        queue = next.catch(() => undefined);
        return next;
      },
    };
    return { api, stop: () => dropFacts(store) };
  },
};
