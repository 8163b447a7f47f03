/**
 * The contract over HTTP for Node tools (`civictwin feed`): the same wire as the renderer's web
 * client, so a CLI can drive any host it can reach.
 */
import type { AppApi } from '../common/contract.ts';
import { COLUMNS_CONTENT_TYPE, decodeColumns } from '../../data/feed/columnar.ts';

/**
 * `token`: the ingest token of the source system this tool speaks for (`civictwin token add --kind
 * ingest`); it reads the twin's layout at viewer level and sends events.
 */
export function createHostClient(baseUrl: string, token: string | null = null): AppApi {
  const base = baseUrl.replace(/\/$/, '');
  const call = async (api: string, method: string, args: unknown[]): Promise<unknown> => {
    const res = await fetch(`${base}/api/rpc/${api}.${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...authorization(token) }, body: JSON.stringify({ args }) });
    if (!res.ok) throw new Error(`${api}.${method}: HTTP ${res.status} ${await res.text()}`);
    const type = res.headers.get('content-type') ?? '';
    return type.startsWith(COLUMNS_CONTENT_TYPE) ? decodeColumns(await res.arrayBuffer()) : res.json();
  };
  const proxy = (api: string): object =>
    new Proxy({}, { get: (_t, m) => (typeof m === 'string' && m !== 'then' ? (...args: unknown[]) => call(api, m, args) : undefined) });
  // Every section, a feature module's too, is reached the same way (unknown names fail at the host).
  const sections = new Map<string, object>();
  return new Proxy({}, { get: (_t, api) => (typeof api === 'string' && api !== 'then' ? (sections.get(api) ?? sections.set(api, proxy(api)).get(api)) : undefined) }) as AppApi;
}

/** Posts events as NDJSON; throws unless the host committed them. */
export async function postEvents(baseUrl: string, events: object[], token: string | null = null): Promise<{ accepted: number; duplicates: number; rejected: unknown[] }> {
  const res = await fetch(`${baseUrl.replace(/\/$/, '')}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', ...authorization(token) },
    body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  if (!res.ok) throw new Error(`POST /api/v1/events: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as { accepted: number; duplicates: number; rejected: unknown[] };
}

const authorization = (token: string | null): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/** The ingest token from `--token` or CIVICTWIN_INGEST_TOKEN (kept out of shell history and `ps`). */
export function ingestToken(fromFlag: string | undefined): string | null {
  return fromFlag ?? process.env.CIVICTWIN_INGEST_TOKEN ?? null;
}
