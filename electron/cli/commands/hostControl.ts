/**
 * The CLI's side of a host's control channel (electron/services/ControlSocket.ts): finds the
 * host holding a twin through its runfile and asks it to do what only the holder can.
 */
import { liveRunfile, type HostRunfile } from '../../../data/store/hostRunfile.ts';
import { TwinFileError } from '../../../data/store/twinLock.ts';

export interface HostReply<T> {
  host: HostRunfile;
  body: T;
}

/**
 * Sends a request to the host that holds `db`. null when no host runs for it, or its runfile is
 * stale (the process is gone or does not answer): the caller may then open the file itself.
 * A host that answers with an error is a TwinFileError carrying the host's message.
 */
export async function askHost<T>(db: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<HostReply<T> | null> {
  const host = liveRunfile(db);
  if (!host) return null;
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${host.controlPort}${path}`, {
      method,
      headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return null; // the PID was reused by another process, or the host is shutting down
  }
  const reply = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new TwinFileError(`${host.host} (PID ${host.pid}) could not do it: ${reply.error ?? `HTTP ${res.status}`}`);
  return { host, body: reply };
}
