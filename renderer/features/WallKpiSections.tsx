/**
 * What the feature modules add to a wall's KPI cell (renderer/features/registry.ts,
 * `wallKpiSections`), each in its own error boundary so one module's failure leaves the counts up.
 */
import { WALL_KPI_SECTION_DEFS } from './registry.ts';
import { ErrorBoundary } from '../app/ErrorBoundary.tsx';

export function WallKpiSections(): React.JSX.Element {
  return (
    <>
      {WALL_KPI_SECTION_DEFS.map((Section, i) => (
        <ErrorBoundary key={i} name={`wall-kpi-${i}`}>
          <Section />
        </ErrorBoundary>
      ))}
    </>
  );
}
