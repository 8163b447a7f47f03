/**
 * Signing in at this screen, then loading the twin. A link may carry a credential in its fragment
 * (never sent to a server, so never in a log): `#once=` for the one-time sign-in `civictwin start`
 * and the Electron app open with, `#wall=` for a wall display's token. The fragment is cleared at
 * once so the credential is not left in the address bar or the history.
 */
import { getAppApi, HostError, onSignedOut, setCsrfToken } from '../bridge/appApi.ts';
import { t } from '../i18n/index.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import type { SessionInfo } from '../../electron/common/dto.ts';
import { loadTwin } from './loadTwin.ts';
import { startLiveSource } from '../sources/LiveSource.ts';
import { hostErrorText } from './hostCall.ts';
import { FEATURES } from '../features/registry.ts';

let started = false;

function signedIn(session: SessionInfo): void {
  setCsrfToken(session.csrfToken ?? null);
  useSessionStore.setState({ status: 'signed-in', session, error: null });
  if (started) return;
  started = true;
  void loadTwin();
  startLiveSource();
  // One module's failure to start (a push its host does not offer, a call a wall may not make)
  // must not keep the modules after it from starting: each is started on its own.
  for (const feature of FEATURES) {
    try {
      feature.start?.();
    } catch (error) {
      console.error(`feature ${feature.id} did not start:`, error);
    }
  }
}

/** At start: a credential in the fragment, else the session the host already has for us, else the form. */
export async function startSession(): Promise<void> {
  onSignedOut(() => {
    // The host ended the session (expired, revoked): back to the form; a reload starts clean.
    if (useSessionStore.getState().status === 'signed-in') window.location.reload();
  });
  const auth = getAppApi().auth;
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const credential = fragment.get('once') ?? fragment.get('wall');
  if (credential) history.replaceState(null, '', window.location.pathname + window.location.search);
  try {
    if (credential) {
      signedIn(await auth.signInWithToken(credential));
      return;
    }
    const current = await auth.whoAmI();
    if (current) signedIn(current);
    else useSessionStore.setState({ status: 'signed-out' });
  } catch (err) {
    useSessionStore.setState({ status: 'signed-out', error: hostErrorText(err) });
  }
}

export async function signIn(username: string, password: string): Promise<void> {
  try {
    signedIn(await getAppApi().auth.signIn(username, password));
  } catch (err) {
    useSessionStore.setState({ status: 'signed-out', error: signInErrorText(err) });
  }
}

/**
 * The two answers a person at the form meets most, in the screen's language; anything else as
 * the host worded it. Electron's IPC carries no status, so its wording is matched instead.
 */
function signInErrorText(err: unknown): string {
  const status = err instanceof HostError ? err.status : null;
  const message = err instanceof Error ? err.message : '';
  if (status === 401 || /user name or password is not right/.test(message)) return t('signIn.wrong');
  if (status === 429 || /Too many failed sign-ins/.test(message)) {
    const seconds = /in (\d+) s/.exec(message)?.[1];
    return t('signIn.throttled', { minutes: seconds ? Math.max(1, Math.ceil(Number(seconds) / 60)) : 5 });
  }
  return hostErrorText(err);
}

export async function signOut(): Promise<void> {
  await getAppApi().auth.signOut().catch(() => undefined);
  setCsrfToken(null);
  // A fresh page: nothing of the last person's screen (an open household card) stays in memory.
  window.location.reload();
}
