/** In an incident's detail: "吹哨报到" opens the whistle tab with this incident in its form. */
import { useTranslation } from 'react-i18next';
import { isOpenStatus } from '../../../data/model/incidents.ts';
import { useCan } from '../../state/sessionStore.ts';
import { useUiStore } from '../../state/uiStore.ts';
import type { IncidentActionProps } from '../feature.ts';
import { useWhistleStore } from './store.ts';

export function WhistleAction({ incident }: IncidentActionProps): React.JSX.Element | null {
  const { t } = useTranslation();
  const mayAct = useCan('operator');
  if (!mayAct || !isOpenStatus(incident.status)) return null;
  return (
    <button
      type="button"
      className="btn"
      data-testid="whistle-from-incident"
      onClick={() => {
        useWhistleStore.setState({ draftIncidentId: incident.id });
        useUiStore.setState({ rightPanel: 'whistle' });
      }}
    >
      {t('whistle.openFromIncident')}
    </button>
  );
}
