import { BrowserWindow, ipcMain } from 'electron';
import { channelOf, contractEvents, contractMethods, type AppApi } from '../../common/contract.ts';
import { dispatch } from '../../services/index.ts';
import type { AuthService } from '../../services/AuthService.ts';
import type { SessionSink } from '../../services/callContext.ts';
import { isTrustedSender } from '../security/hardening.ts';
import { seesNoOne } from '../../common/access.ts';
import { WALL_VIEW_OF_EVENT } from '../../services/wallView.ts';

/**
 * Binds every method of the contract to `ipcMain.handle`. The channel list comes from the contract
 * itself, so a method added there is registered here without a second list to keep in step.
 *
 * Each window signs in like a browser does (`auth.signIn`, or the one-time link the main process
 * opens it with); the main process keeps that window's session token, never the renderer, and
 * every call runs as the window's signed-in caller through the same `dispatch` check as the web host.
 */
export function registerIpc(services: AppApi, auth: AuthService): () => void {
  const channels: string[] = [];
  /** webContents id → its session token. */
  const sessions = new Map<number, string>();
  for (const { api, method } of contractMethods()) {
    const channel = channelOf(api, method);
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (!isTrustedSender(event)) throw new Error(`Refused ${channel} from an untrusted frame.`);
      const id = event.sender.id;
      const token = sessions.get(id) ?? null;
      const sink: SessionSink = { token, begin: (t) => sessions.set(id, t), end: () => sessions.delete(id) };
      const caller = auth.resolveSession(token)?.principal ?? null;
      return dispatch(services, api, method, args, { caller, via: 'ipc', session: sink, from: 'electron' });
    });
    channels.push(channel);
  }
  // Events (`onX`) go the other way: subscribe once here and send to every signed-in window.
  const unsubscribers = contractEvents().map(({ api, method }) => {
    const channel = channelOf(api, method);
    const section = services[api] as unknown as Record<string, (l: (payload: unknown) => void) => () => void>;
    const forWall = WALL_VIEW_OF_EVENT[`${api}.${method}`];
    // Called on its section: the services keep their listeners on `this`.
    return section[method]!.call(section, (payload) => {
      // A window signed in as a wall gets the wall's view of the event (aggregates, no one), built
      // once, or nothing when the event has no wall view.
      let wallPayload: unknown = null;
      for (const win of BrowserWindow.getAllWindows()) {
        const session = win.isDestroyed() ? null : auth.resolveSession(sessions.get(win.webContents.id));
        if (!session) continue;
        if (!seesNoOne(session.principal)) win.webContents.send(channel, payload);
        else if (forWall) win.webContents.send(channel, (wallPayload ??= forWall(payload)));
      }
    });
  });
  return () => {
    channels.forEach((c) => ipcMain.removeHandler(c));
    unsubscribers.forEach((u) => u());
  };
}
