/**
 * Electron's IPC registration over the contract (electron/main/ipc/registerIpc.ts), with the
 * `electron` module replaced by a stand-in main process (there is no Electron binary on the build
 * machines): a window signed in over IPC gets every section's pushed event, and its calls reach a
 * feature module's section through the one `dispatch`.
 */
import { describe, expect, it, vi } from 'vitest';
import type { AppApi } from '../../electron/common/contract.ts';
import type { AuthService } from '../../electron/services/AuthService.ts';
import { currentCall } from '../../electron/services/callContext.ts';

type Handler = (event: unknown, ...args: unknown[]) => unknown;
const handlers = new Map<string, Handler>();
const sent: { channel: string; payload: unknown }[] = [];

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
  BrowserWindow: {
    getAllWindows: () => [{ isDestroyed: () => false, webContents: { id: 7, send: (channel: string, payload: unknown) => sent.push({ channel, payload }) } }],
  },
  app: {},
  session: {},
}));

const { registerIpc } = await import('../../electron/main/ipc/registerIpc.ts');
const { contractEvents } = await import('../../electron/common/contract.ts');

/** A section that keeps its listeners on `this`, as the services do (LiveService, TyphoonService). */
class Section {
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  public subscribe(event: string, listener: (payload: unknown) => void): () => void {
    const set = this.listeners.get(event) ?? this.listeners.set(event, new Set()).get(event)!;
    set.add(listener);
    return () => set.delete(listener);
  }
  public push(event: string, payload: unknown): void {
    for (const l of this.listeners.get(event) ?? []) l(payload);
  }
}

const operator = { kind: 'person', username: 'wang.li', displayName: '王力', role: 'operator' };
const auth = { resolveSession: (token: string | null | undefined) => (token === 'T' ? { principal: operator } : null) } as unknown as AuthService;
/** An IPC event from the app's own top frame, window 7. */
const fromWindow = { sender: { id: 7 }, senderFrame: { parent: null, url: 'app://civictwin/index.html' } };

describe('registerIpc', () => {
  it("pushes every section's events to a signed-in window and serves the incidents section through dispatch", async () => {
    const sections = new Map<string, Section>();
    const sectionOf = (api: string): Section => sections.get(api) ?? sections.set(api, new Section()).get(api)!;
    const services = new Proxy({} as Record<string, unknown>, {
      get: (_t, api: string) =>
        new Proxy(sectionOf(api), {
          get: (section, method: string) => {
            // Each event member is the section's own method: registerIpc must call it on its section.
            if (/^on[A-Z]/.test(method))
              return function (this: Section, listener: (payload: unknown) => void) {
                return this.subscribe(method, listener);
              };
            if (api === 'auth' && method === 'signIn') return async () => currentCall()!.session!.begin('T', Date.now() + 60_000);
            if (api === 'incidents' && method === 'getIncident') return async (id: string) => ({ id, caller: currentCall()!.caller });
            return Reflect.get(section, method) as unknown;
          },
        }),
    }) as unknown as AppApi;
    const unregister = registerIpc(services, auth);
    try {
      await handlers.get('app:auth.signIn')!(fromWindow, 'wang.li', 'secret');
      expect(await handlers.get('app:incidents.getIncident')!(fromWindow, 'LC-1')).toEqual({ id: 'LC-1', caller: operator });
      const events = contractEvents();
      expect(events.map((e) => `${e.api}.${e.method}`)).toContain('live.onLiveDelta');
      for (const { api, method } of events) sectionOf(api).push(method, { event: `${api}.${method}` });
      expect(sent).toEqual(events.map(({ api, method }) => ({ channel: `app:${api}.${method}`, payload: { event: `${api}.${method}` } })));
    } finally {
      unregister();
    }
  });
});
