/**
 * `?`: every registered command (renderer/features/registry.ts COMMAND_DEFS) with its keys, in the
 * current language. Esc, `?` or a click outside closes it.
 */
import { useTranslation } from 'react-i18next';
import { COMMAND_DEFS } from '../registry.ts';
import { setHelpOpen, useHelpStore } from './helpStore.ts';
import './commands.css';

/** How a `KeyboardEvent.key` is written on the overlay. */
export function keyLabel(key: string, t: (k: string) => string): string {
  const named: Record<string, string> = { Escape: 'Esc', ArrowUp: '↑', ArrowDown: '↓', ArrowLeft: '←', ArrowRight: '→', Enter: 'Enter', ' ': t('commands.space') };
  return named[key] ?? key;
}

export function HelpOverlay(): React.JSX.Element | null {
  const { t } = useTranslation();
  const open = useHelpStore((s) => s.open);
  if (!open) return null;
  return (
    <div className="help-backdrop" onClick={(e) => e.target === e.currentTarget && setHelpOpen(false)}>
      <section className="help-overlay panel" role="dialog" aria-modal="true" aria-labelledby="help-title" data-help-overlay data-testid="help-overlay">
        <header className="help-head">
          <h2 id="help-title" className="panel-title">
            {t('commands.title')}
          </h2>
          <button type="button" className="icon-btn" aria-label={t('commands.closeHelp')} title={t('commands.closeHelp')} onClick={() => setHelpOpen(false)}>
            ×
          </button>
        </header>
        <table className="help-table">
          <tbody>
            {[...COMMAND_DEFS.filter((c) => c.id.startsWith('shell.')), ...COMMAND_DEFS.filter((c) => !c.id.startsWith('shell.'))].map((c) => (
              <tr key={c.id} data-testid="help-command" data-command={c.id}>
                <td className="help-keys">
                  {(c.keys ?? []).map((k) => (
                    <kbd key={k}>{keyLabel(k, t)}</kbd>
                  ))}
                </td>
                <td>{t(c.labelKey)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="help-note">{t('commands.note')}</p>
      </section>
    </div>
  );
}
