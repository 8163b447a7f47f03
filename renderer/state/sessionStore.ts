/**
 * Who is signed in at this screen, as the host told us. The renderer never holds a credential:
 * the host keeps the session (an HttpOnly cookie, or Electron's main process); only the CSRF token
 * the web client echoes lives in the bridge.
 */
import type { SessionInfo } from '../../electron/common/dto.ts';
import { roleMay, type Access } from '../../data/model/roles.ts';
import { createStore } from './createStore.ts';

export interface SessionState {
  /** `checking` at start; `signed-out` shows the sign-in form. */
  status: 'checking' | 'signed-out' | 'signed-in';
  session: SessionInfo | null;
  /** The last sign-in failure, as the host worded it. */
  error: string | null;
}

export const useSessionStore = createStore<SessionState>()(() => ({ status: 'checking', session: null, error: null }));

/** True when the signed-in caller may do what needs `access` (a wall only views). */
export function canDo(session: SessionInfo | null, access: Access): boolean {
  if (!session) return access === 'public';
  if (access === 'public' || access === 'view') return true;
  if (session.role === 'wall' || session.role === 'system') return false;
  return roleMay(session.role, access);
}

/** For components: whether the signed-in role may do what needs `access`. */
export function useCan(access: Access): boolean {
  return useSessionStore((s) => canDo(s.session, access));
}
