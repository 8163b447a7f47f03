/**
 * The top bar's "审计" button: shown to supervisors and administrators only (the host refuses the
 * audit API to anyone else anyway); opens the audit viewer, loaded on first use.
 */
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../state/sessionStore.ts';

const AuditViewer = lazy(() => import('./AuditViewer.tsx').then((m) => ({ default: m.AuditViewer })));

export function AuditButton(): React.JSX.Element | null {
  const { t } = useTranslation();
  const mayAudit = useCan('supervisor');
  const [open, setOpen] = useState(false);
  if (!mayAudit) return null;
  return (
    <>
      <button type="button" className="audit-open" data-testid="audit-open" title={t('audit.openTitle')} onClick={() => setOpen(true)}>
        {t('audit.open')}
      </button>
      {open && (
        <Suspense fallback={null}>
          <AuditViewer onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
