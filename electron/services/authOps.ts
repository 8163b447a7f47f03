/**
 * Account and token administration (`civictwin user …`, `civictwin token …`): one set of
 * operations, run by the host that holds the twin (through its control channel, so its in-memory
 * sessions and tokens change at once: a revoked token stops working on the next request) or, when
 * no host holds it, by the CLI on the file. Every change is audited under the person who ran it.
 */
import { PERSON_ROLES, type PersonRole } from '../common/access.ts';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { AuthError, TOKEN_KINDS, type AuthService, type TokenKind } from './AuthService.ts';
import { appendAudit, verifyAuditChain } from './audit.ts';

export type AuthOp =
  | { op: 'user.add'; username: string; displayName?: string; role: string; password: string | null }
  | { op: 'user.list' }
  | { op: 'user.disable'; username: string }
  | { op: 'user.passwd'; username: string; password: string }
  | { op: 'token.add'; name: string; kind: string; expiresDays?: number | null }
  | { op: 'token.list' }
  | { op: 'token.revoke'; id: number };

/** Runs `op` as `actor` (the OS user behind the CLI: `cli:<name>`). Throws AuthError for what the admin can fix. */
export async function runAuthOp(auth: AuthService, store: DuckDbStore, op: AuthOp, actor: string): Promise<unknown> {
  if (op?.op === 'user.list' || op?.op === 'token.list') return runOp(auth, store, op, actor);
  // A change and its audit row commit together. If either fails, the service's in-memory
  // sessions and tokens are read back from the store, so none outlives its rolled-back row.
  try {
    return await store.transaction(() => runOp(auth, store, op, actor));
  } catch (err) {
    await auth.reload().catch(() => undefined);
    throw err;
  }
}

async function runOp(auth: AuthService, store: DuckDbStore, op: AuthOp, actor: string): Promise<unknown> {
  const audit = (action: string, subject: string, reason: string | null = null): Promise<void> =>
    appendAudit(store, { actor, action, subject, reason, atMs: Date.now() });
  switch (op.op) {
    case 'user.add': {
      if (!(PERSON_ROLES as readonly string[]).includes(op.role)) throw new AuthError(`Unknown role "${op.role}": use one of ${PERSON_ROLES.join(', ')}.`, 403);
      const user = await auth.addUser(String(op.username), String(op.displayName ?? op.username), op.role as PersonRole, op.password === null ? null : String(op.password));
      await audit('user.add', `user:${user.username}`, `role ${user.role}`);
      return user;
    }
    case 'user.list':
      return auth.listUsers();
    case 'user.disable':
      await auth.disableUser(String(op.username));
      await audit('user.disable', `user:${op.username}`);
      return { ok: true };
    case 'user.passwd':
      await auth.setPassword(String(op.username), String(op.password));
      await audit('user.passwd', `user:${op.username}`);
      return { ok: true };
    case 'token.add': {
      if (!(TOKEN_KINDS as readonly string[]).includes(op.kind)) throw new AuthError(`Unknown token kind "${op.kind}": use ${TOKEN_KINDS.join(' or ')}.`, 403);
      const days = op.expiresDays ?? null;
      const r = await auth.addToken(String(op.name), op.kind as TokenKind, actor, days === null ? null : Date.now() + days * 86_400_000);
      await audit('token.add', `token:${r.row.id}`, `${r.row.kind} "${r.row.name}"`);
      return r;
    }
    case 'token.list':
      return auth.listTokens();
    case 'token.revoke':
      await auth.revokeToken(Number(op.id));
      await audit('token.revoke', `token:${op.id}`);
      return { ok: true };
    default:
      throw new AuthError(`Unknown operation.`, 403);
  }
}

/** The control channel's `auth` route of a host: the CLI names who ran it (`actor`). */
export function authRoutes(services: { auth: AuthService }, store: DuckDbStore): Record<string, (body: Record<string, unknown>) => Promise<unknown>> {
  return {
    auth: (body) => runAuthOp(services.auth, store, body.request as AuthOp, `cli:${String(body.actor ?? 'unknown').slice(0, 48)}`),
    // `civictwin audit verify` on a twin this host holds.
    'audit-verify': () => verifyAuditChain(store),
  };
}
