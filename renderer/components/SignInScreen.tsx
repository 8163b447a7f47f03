/**
 * The sign-in form: the first thing a console shows until someone signs in. The host answers
 * wrong credentials and throttling in words a person can act on; they are shown as sent.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSessionStore } from '../state/sessionStore.ts';
import { signIn } from '../actions/session.ts';

export function SignInScreen(): React.JSX.Element {
  const { t } = useTranslation();
  const { status, error } = useSessionStore();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  if (status === 'checking') {
    return (
      <div className="loading-screen" data-testid="session-checking">
        <div className="loading-card">
          <div className="brand-mark big" aria-hidden />
          <h1>{t('app.title')}</h1>
          <h2>{t('signIn.checking')}</h2>
        </div>
      </div>
    );
  }
  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    await signIn(username.trim(), password);
    setPassword('');
    setBusy(false);
  };
  return (
    <div className="loading-screen" data-testid="sign-in">
      <form className="loading-card sign-in-card" onSubmit={(e) => void submit(e)}>
        <div className="brand-mark big" aria-hidden />
        <h1>{t('app.title')}</h1>
        <h2>{t('signIn.title')}</h2>
        <p className="sign-in-subtitle">{t('signIn.subtitle')}</p>
        <label className="sign-in-field">
          <span>{t('signIn.username')}</span>
          <input name="username" autoComplete="username" maxLength={64} value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        </label>
        <label className="sign-in-field">
          <span>{t('signIn.password')}</span>
          <input name="password" type="password" autoComplete="current-password" maxLength={256} value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && (
          <p className="loading-error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy || !username || !password}>
          {t('signIn.submit')}
        </button>
        <p className="sign-in-hint">{t('signIn.noAccount')}</p>
      </form>
    </div>
  );
}
