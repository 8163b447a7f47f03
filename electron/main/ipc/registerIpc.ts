import { BrowserWindow, ipcMain } from 'electron';
import { channelOf, contractEvents, contractMethods, type AppApi } from '../../common/contract.ts';
import { dispatch } from '../../services/index.ts';
import { isTrustedSender } from '../security/hardening.ts';

/**
 * Binds every method of the contract to `ipcMain.handle`. The channel list comes from the contract
 * itself, so a method added there is registered here without a second list to keep in step.
 */
export function registerIpc(services: AppApi): () => void {
  const channels: string[] = [];
  for (const { api, method } of contractMethods()) {
    const channel = channelOf(api, method);
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (!isTrustedSender(event)) throw new Error(`Refused ${channel} from an untrusted frame.`);
      return dispatch(services, api, method, args);
    });
    channels.push(channel);
  }
  // Events (`onX`) go the other way: subscribe once here and send to every window.
  const unsubscribers = contractEvents().map(({ api, method }) => {
    const channel = channelOf(api, method);
    const subscribe = (services[api] as unknown as Record<string, (l: (payload: unknown) => void) => () => void>)[method]!;
    return subscribe((payload) => {
      for (const win of BrowserWindow.getAllWindows()) if (!win.isDestroyed()) win.webContents.send(channel, payload);
    });
  });
  return () => {
    channels.forEach((c) => ipcMain.removeHandler(c));
    unsubscribers.forEach((u) => u());
  };
}
