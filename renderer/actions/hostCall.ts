/**
 * Every call to the host goes through here: a failure becomes a toast with the host's own user
 * message (HostError) or a translated "cannot reach the host", and never an exception in React.
 */
import { HostError } from '../bridge/appApi.ts';
import { pushToast } from '../state/toastStore.ts';
import { t } from '../i18n/index.ts';

/** The web client's own fallback when the host sent no message (`store.x failed: HTTP 502`). */
const BARE_HTTP_FAILURE = /failed: HTTP (\d+)$/;

/** Electron wraps a main-process error: "Error invoking remote method 'app:x.y': AuthError: <message>". */
const IPC_WRAPPED = /^Error invoking remote method '[^']+': (?:\w*Error: )?([\s\S]+)$/;

export function hostErrorText(err: unknown): string {
  const ipc = err instanceof Error ? IPC_WRAPPED.exec(err.message) : null;
  if (ipc) return ipc[1]!;
  if (err instanceof HostError || (err instanceof Error && err.name === 'HostError')) {
    const bare = BARE_HTTP_FAILURE.exec(err.message);
    return bare ? `${t('errors.hostUnreachable')} (HTTP ${bare[1]})` : err.message;
  }
  return t('errors.hostUnreachable');
}

/** Runs `fn`; on failure shows a toast and resolves to `fallback`. */
export async function hostCall<T>(fn: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    console.warn('[civictwin] host call failed', err);
    pushToast('error', hostErrorText(err));
    return fallback;
  }
}
