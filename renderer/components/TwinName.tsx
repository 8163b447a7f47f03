/**
 * The twin's name in the top bar. A supervisor can rename it in place (a street office's own
 * district is not called after the folder it was imported into): Enter saves through the host
 * (audited there), Esc cancels. Everyone else sees the name only.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTwinStore } from '../state/twinStore.ts';
import { useCan } from '../state/sessionStore.ts';
import { getAppApi } from '../bridge/appApi.ts';
import { hostErrorText } from '../actions/hostCall.ts';
import { pushToast } from '../state/toastStore.ts';

export function TwinName(): React.JSX.Element {
  const { t } = useTranslation();
  const name = useTwinStore((s) => s.info?.name ?? 'CivicTwin');
  const mayRename = useCan('supervisor');
  const [draft, setDraft] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async (): Promise<void> => {
    const next = (draft ?? '').trim();
    if (next === '' || next === name) return setDraft(null);
    setSaving(true);
    try {
      const info = await getAppApi().store.renameTwin(next);
      useTwinStore.setState({ info });
      setDraft(null);
    } catch (err) {
      pushToast('error', hostErrorText(err));
    } finally {
      setSaving(false);
    }
  };
  if (draft !== null) {
    return (
      <input
        className="district district-input"
        data-testid="district-name-input"
        aria-label={t('top.renameLabel')}
        value={draft}
        maxLength={60}
        disabled={saving}
        autoFocus
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          e.stopPropagation(); // the app's shortcuts must not act on what is typed here
          if (e.key === 'Enter') void save();
          if (e.key === 'Escape') setDraft(null);
        }}
        onBlur={() => void save()}
      />
    );
  }
  return (
    <span className="district-line">
      <h1 className="district" data-testid="district-name">
        {name}
      </h1>
      {mayRename && (
        <button type="button" className="district-rename" data-testid="district-rename" title={t('top.rename')} aria-label={t('top.rename')} onClick={() => setDraft(name)}>
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden>
            <path d="M11.5 1.5l3 3L5 14H2v-3z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
          </svg>
        </button>
      )}
    </span>
  );
}
