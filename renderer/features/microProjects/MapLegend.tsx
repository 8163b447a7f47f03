/** The legend of the micro-projects layer: each stage's colour and count, while the layer shows. */
import { useTranslation } from 'react-i18next';
import { PROJECT_STAGES } from '../../../data/model/microProjects/index.ts';
import { useMicroMapStore } from './store.ts';
import { stageCss } from './stageColours.ts';
import './projects.css';

export function MicroMapLegend(): React.JSX.Element | null {
  const { t } = useTranslation();
  const { visible, projects, error } = useMicroMapStore();
  if (!visible) return null;
  return (
    <div className="micro-legend" data-testid="micro-legend" aria-label={t('microProjects.legend.title')}>
      <b>{t('microProjects.legend.title')}</b>
      {error && <span className="micro-error">{error}</span>}
      <ul>
        {PROJECT_STAGES.map((s) => (
          <li key={s}>
            <i style={{ background: stageCss(s) }} />
            {t(`microProjects.stage.${s}`)} <span className="micro-legend-n">{projects.filter((p) => p.stage === s).length}</span>
          </li>
        ))}
        <li>
          <i className="micro-legend-ring" />
          {t('microProjects.legend.flagged')} <span className="micro-legend-n">{projects.filter((p) => p.flags.length > 0).length}</span>
        </li>
      </ul>
    </div>
  );
}
