import { ipcMain } from 'electron';
import { channelOf, contractMethods, type AppApi } from '../../common/contract.ts';
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
  return () => channels.forEach((c) => ipcMain.removeHandler(c));
}
