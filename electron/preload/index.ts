/**
 * Preload (sandboxed, bundled to one CommonJS file): exposes `window.app`, the contract built from
 * `ipcRenderer.invoke` on the contract's own channel names. Never exposes `ipcRenderer` itself.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CONTRACT, channelOf, type ApiName } from '../common/contract.ts';

const app: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
for (const api of Object.keys(CONTRACT) as ApiName[]) {
  const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of Object.keys(CONTRACT[api])) {
    const channel = channelOf(api, method);
    methods[method] = (...args: unknown[]) => ipcRenderer.invoke(channel, ...args);
  }
  app[api] = methods;
}
contextBridge.exposeInMainWorld('app', app);
