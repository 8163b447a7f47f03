/**
 * Preload (sandboxed, bundled to one CommonJS file): exposes `window.app`, the contract built from
 * `ipcRenderer.invoke` on the contract's own channel names. Never exposes `ipcRenderer` itself.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CONTRACT, channelOf, type ApiName } from '../common/contract.ts';

const app: Record<string, Record<string, (...args: never[]) => unknown>> = {};
for (const api of Object.keys(CONTRACT) as ApiName[]) {
  const methods: Record<string, (...args: never[]) => unknown> = {};
  for (const [method, kind] of Object.entries(CONTRACT[api])) {
    const channel = channelOf(api, method);
    if (kind === 'event') {
      // Returns the unsubscribe: handler identity does not survive the context bridge.
      methods[method] = (listener: unknown) => {
        const handler = (_e: unknown, payload: unknown): void => (listener as (p: unknown) => void)(payload);
        ipcRenderer.on(channel, handler);
        return () => ipcRenderer.removeListener(channel, handler);
      };
    } else {
      methods[method] = (...args: unknown[]) => ipcRenderer.invoke(channel, ...args);
    }
  }
  app[api] = methods;
}
contextBridge.exposeInMainWorld('app', app);
