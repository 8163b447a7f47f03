/**
 * People, sessions and machine tokens (issue 10). Accounts live in the twin's store; passwords are
 * hashed with scrypt (Node's own, parameters kept with each hash); sessions and tokens are kept
 * only as SHA-256 hashes, so a copy of the twin cannot be used to sign in or to ingest.
 *
 * The hosts resolve every request's caller through `resolveSession` / `resolveToken`, which answer
 * from memory (a request must not cost a query: the authorisation check is budgeted at 2 % of
 * ingest throughput) and are kept in step with the store by this service's own writes.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { auditName, PERSON_ROLES, type PersonRole, type Principal } from '../common/access.ts';
import type { SessionInfo } from '../common/dto.ts';
import { currentCall } from './callContext.ts';
import { appendAudit, TokenUseLog } from './audit.ts';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> =>
  new Promise((ok, fail) => scryptCb(password, salt, keylen, options, (err, key) => (err ? fail(err) : ok(key))));

/** scrypt cost: N = 2^15, r = 8 (OWASP's minimum for scrypt), about 0.1 s per sign-in here. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 32 } as const;
/** A shift and a handover: a console session lasts 12 hours. */
export const SESSION_TTL_MS = 12 * 3600_000;
/** Wall sessions run for days (a wall is signed in once, by its token). */
const WALL_SESSION_TTL_MS = 30 * 24 * 3600_000;
/** A one-time sign-in link (`civictwin start` opens the app with one) is good for this long. */
const ONE_TIME_TTL_MS = 10 * 60_000;
/**
 * Failed sign-ins in a window before sign-in is refused for a while: 5 per account (guessing one
 * person's password), 30 per address (trying many accounts; every console on this machine shares
 * the loopback address, so it is higher than one person's mistakes).
 */
const FAILED_SIGN_INS = { perAccount: 5, perAddress: 30, windowMs: 5 * 60_000 } as const;

export const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;
export const MIN_PASSWORD = 10;
export const TOKEN_KINDS = ['ingest', 'wall'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** A sign-in or token problem the caller can fix; hosts answer it with 401 (or 429 when throttled). */
export class AuthError extends Error {
  public constructor(
    message: string,
    public readonly status: 401 | 403 | 429 = 401,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export interface UserRow {
  id: number;
  username: string;
  displayName: string;
  role: PersonRole;
  hasPassword: boolean;
  createdAt: string;
  disabled: boolean;
}

export interface TokenRow {
  id: number;
  name: string;
  kind: TokenKind;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface LiveSession {
  principal: Principal;
  csrfToken: string;
  expiresAtMs: number;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const newToken = (bytes: number): string => randomBytes(bytes).toString('base64url');

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 256 * SCRYPT.N * SCRYPT.r });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const N = Number(n);
  const R = Number(r);
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N, r: R, p: Number(p), maxmem: 256 * N * R });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export class AuthService {
  private readonly store: DuckDbStore;
  private readonly sessions = new Map<string, LiveSession>();
  private readonly tokens = new Map<string, { id: number; kind: TokenKind; name: string; expiresAtMs: number | null }>();
  private readonly oneTime = new Map<string, { userId: number; expiresAtMs: number }>();
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;
  /** Token use in the audit log, at most hourly per token (audit.ts). */
  private readonly tokenUse: TokenUseLog;

  private constructor(store: DuckDbStore, now: () => number) {
    this.store = store;
    this.now = now;
    this.tokenUse = new TokenUseLog(store, now);
  }

  /** Loads live sessions and unrevoked tokens into memory. */
  public static async open(store: DuckDbStore, now: () => number = Date.now): Promise<AuthService> {
    const auth = new AuthService(store, now);
    await auth.reload();
    return auth;
  }

  /** Re-reads sessions and tokens from the store (after a CLI or another connection changed them). */
  public async reload(): Promise<void> {
    this.sessions.clear();
    this.tokens.clear();
    const sessions = await this.store.all<{ token_hash: string; user_id: number | null; wall_token_id: number | null; csrf_token: string; expires: number }>(
      `SELECT token_hash, user_id, wall_token_id, csrf_token, epoch_ms(expires_at) AS expires FROM user_sessions
       WHERE ended_at IS NULL AND expires_at > to_timestamp($now / 1000)::TIMESTAMP`,
      { now: this.now() },
    );
    for (const s of sessions) {
      const principal = s.user_id !== null ? await this.personPrincipal(s.user_id) : s.wall_token_id !== null ? await this.wallPrincipal(s.wall_token_id) : null;
      if (principal) this.sessions.set(s.token_hash, { principal, csrfToken: s.csrf_token, expiresAtMs: s.expires });
    }
    const tokens = await this.store.all<{ id: number; kind: TokenKind; name: string; token_hash: string; expires: number | null }>(
      `SELECT id, kind, name, token_hash, epoch_ms(expires_at) AS expires FROM api_tokens WHERE revoked_at IS NULL`,
    );
    for (const t of tokens) this.tokens.set(t.token_hash, { id: t.id, kind: t.kind, name: t.name, expiresAtMs: t.expires });
  }

  // ── people ────────────────────────────────────────────────────────────────────────────────

  public async addUser(username: string, displayName: string, role: PersonRole, password: string | null): Promise<UserRow> {
    const name = username.trim().toLowerCase();
    if (!USERNAME.test(name)) throw new AuthError(`User name "${username}" is not allowed: use 2–32 letters, digits, ".", "_" or "-", starting with a letter or digit.`, 403);
    if (!(PERSON_ROLES as readonly string[]).includes(role)) throw new AuthError(`Unknown role "${role}": use one of ${PERSON_ROLES.join(', ')}.`, 403);
    if (password !== null && password.length < MIN_PASSWORD) throw new AuthError(`A password needs at least ${MIN_PASSWORD} characters.`, 403);
    const display = displayName.trim().slice(0, 64) || name;
    if (await this.store.one(`SELECT 1 FROM users WHERE username = $1`, [name])) throw new AuthError(`User "${name}" already exists.`, 403);
    const hash = password === null ? null : await hashPassword(password);
    await this.store.run(
      `INSERT INTO users SELECT coalesce(max(id), 0) + 1, $u, $d, $r, $h, now()::TIMESTAMP, NULL FROM users`,
      { u: name, d: display, r: role, h: hash },
    );
    return (await this.findUser(name))!;
  }

  public async findUser(username: string): Promise<UserRow | null> {
    const row = await this.store.one<{ id: number; username: string; display_name: string; role: PersonRole; has_password: boolean; created: string; disabled: boolean }>(
      `SELECT id, username, display_name, role, password_hash IS NOT NULL AS has_password, strftime(created_at, '%Y-%m-%d %H:%M') AS created,
              disabled_at IS NOT NULL AS disabled FROM users WHERE username = $1`,
      [username.trim().toLowerCase()],
    );
    return row ? { id: row.id, username: row.username, displayName: row.display_name, role: row.role, hasPassword: row.has_password, createdAt: row.created, disabled: row.disabled } : null;
  }

  public async listUsers(): Promise<UserRow[]> {
    const rows = await this.store.all<{ username: string }>(`SELECT username FROM users ORDER BY id`);
    return (await Promise.all(rows.map((r) => this.findUser(r.username)))).filter((u): u is UserRow => u !== null);
  }

  public async setPassword(username: string, password: string): Promise<void> {
    if (password.length < MIN_PASSWORD) throw new AuthError(`A password needs at least ${MIN_PASSWORD} characters.`, 403);
    const user = await this.findUser(username);
    if (!user) throw new AuthError(`No user "${username}".`, 403);
    await this.store.run(`UPDATE users SET password_hash = $1 WHERE id = $2`, [await hashPassword(password), user.id]);
  }

  /** Disables an account and ends its sessions at once. */
  public async disableUser(username: string): Promise<void> {
    const user = await this.findUser(username);
    if (!user) throw new AuthError(`No user "${username}".`, 403);
    await this.store.run(`UPDATE users SET disabled_at = now()::TIMESTAMP WHERE id = $1`, [user.id]);
    await this.store.run(`UPDATE user_sessions SET ended_at = now()::TIMESTAMP WHERE user_id = $1 AND ended_at IS NULL`, [user.id]);
    for (const [hash, s] of this.sessions) if (s.principal.kind === 'person' && s.principal.userId === user.id) this.sessions.delete(hash);
  }

  /**
   * The account of the person logged in to this computer (`local-<os user>`, admin, no password):
   * `civictwin start` and the Electron app sign them in with a one-time link, since whoever can run
   * the app as that user can already read the twin and its key.
   */
  public async localAccount(osUser: string): Promise<UserRow> {
    const name = `local-${osUser.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`.slice(0, 32);
    return (await this.findUser(name)) ?? this.addUser(name, `本机用户 ${osUser}`.slice(0, 64), 'admin', null);
  }

  /** A one-time sign-in token for `userId`, good for 10 minutes and one use. */
  public issueOneTimeSignIn(userId: number): string {
    const token = `once_${newToken(24)}`;
    this.oneTime.set(sha256(token), { userId, expiresAtMs: this.now() + ONE_TIME_TTL_MS });
    return token;
  }

  // ── sessions ──────────────────────────────────────────────────────────────────────────────

  /** Signs a person in through the current call's session sink. */
  public async signIn(username: string, password: string): Promise<SessionInfo> {
    const from = currentCall()?.from ?? 'local';
    const name = String(username ?? '').trim().toLowerCase().slice(0, 64);
    this.throttle(`user:${name}`, FAILED_SIGN_INS.perAccount);
    this.throttle(`from:${from}`, FAILED_SIGN_INS.perAddress);
    const row = await this.store.one<{ id: number; password_hash: string | null; disabled: boolean }>(
      `SELECT id, password_hash, disabled_at IS NOT NULL AS disabled FROM users WHERE username = $1`,
      [name],
    );
    const ok = row && !row.disabled && row.password_hash !== null && (await verifyPassword(String(password ?? ''), row.password_hash));
    if (!ok || !row) {
      this.fail(`user:${name}`);
      this.fail(`from:${from}`);
      await appendAudit(this.store, { actor: name || '(blank)', action: 'sign_in_failed', subject: `user:${name}`, reason: `from ${from}`, atMs: this.now() });
      throw new AuthError('The user name or password is not right.');
    }
    this.failures.delete(`user:${name}`);
    return this.startSession(await this.personPrincipal(row.id), SESSION_TTL_MS, { userId: row.id });
  }

  /** Signs in with a wall token or a one-time link. */
  public async signInWithToken(token: string): Promise<SessionInfo> {
    const text = String(token ?? '');
    const from = currentCall()?.from ?? 'local';
    this.throttle(`from:${from}`, FAILED_SIGN_INS.perAddress);
    const hash = sha256(text);
    const once = this.oneTime.get(hash);
    if (once) {
      this.oneTime.delete(hash);
      if (once.expiresAtMs < this.now()) throw new AuthError('This sign-in link has expired: start the app again for a new one.');
      return this.startSession(await this.personPrincipal(once.userId), SESSION_TTL_MS, { userId: once.userId });
    }
    const wall = this.resolveToken(text, 'wall');
    if (!wall) {
      this.fail(`from:${from}`);
      await appendAudit(this.store, { actor: 'wall', action: 'sign_in_failed', subject: 'token', reason: `from ${from}`, atMs: this.now() });
      throw new AuthError('This wall token is not valid (revoked, expired or mistyped): ask an administrator for a new one (civictwin token add --kind wall).');
    }
    return this.startSession(wall, WALL_SESSION_TTL_MS, { wallTokenId: wall.kind === 'wall' ? wall.tokenId : null });
  }

  public async signOut(): Promise<void> {
    const sink = currentCall()?.session;
    if (!sink?.token) return;
    const hash = sha256(sink.token);
    this.sessions.delete(hash);
    await this.store.run(`UPDATE user_sessions SET ended_at = now()::TIMESTAMP WHERE token_hash = $1`, [hash]);
    sink.end();
  }

  public whoAmI(): SessionInfo | null {
    const sink = currentCall()?.session;
    const live = sink?.token ? this.sessions.get(sha256(sink.token)) : undefined;
    if (!live || live.expiresAtMs <= this.now()) return null;
    return sessionInfo(live);
  }

  /** The caller a session token stands for, with its CSRF token; null when unknown, ended or expired. */
  public resolveSession(token: string | null | undefined): { principal: Principal; csrfToken: string } | null {
    if (!token) return null;
    const live = this.sessions.get(sha256(token));
    if (!live) return null;
    if (live.expiresAtMs <= this.now()) {
      this.sessions.delete(sha256(token));
      return null;
    }
    return live;
  }

  // ── machine tokens ────────────────────────────────────────────────────────────────────────

  /** A new token; its text is returned once and only its hash is kept. */
  public async addToken(name: string, kind: TokenKind, createdBy: string, expiresAtMs: number | null = null): Promise<{ token: string; row: TokenRow }> {
    const label = name.trim().slice(0, 64);
    if (!label) throw new AuthError('A token needs a name (the source system or wall it is for).', 403);
    if (!(TOKEN_KINDS as readonly string[]).includes(kind)) throw new AuthError(`Unknown token kind "${kind}": use ${TOKEN_KINDS.join(' or ')}.`, 403);
    const token = `ct_${kind}_${newToken(24)}`;
    const hash = sha256(token);
    await this.store.run(
      `INSERT INTO api_tokens SELECT coalesce(max(id), 0) + 1, $n, $k, $h, now()::TIMESTAMP, $by, $exp, NULL, NULL FROM api_tokens`,
      { n: label, k: kind, h: hash, by: createdBy, exp: expiresAtMs === null ? null : new Date(expiresAtMs).toISOString() },
    );
    const row = (await this.listTokens()).find((t) => t.name === label && t.kind === kind && t.revokedAt === null);
    const id = (await this.store.one<{ id: number }>(`SELECT id FROM api_tokens WHERE token_hash = $1`, [hash]))!.id;
    this.tokens.set(hash, { id, kind, name: label, expiresAtMs });
    return { token, row: row! };
  }

  public async listTokens(): Promise<TokenRow[]> {
    const rows = await this.store.all<{ id: number; name: string; kind: TokenKind; created: string; created_by: string; expires: string | null; revoked: string | null; used: string | null }>(
      `SELECT id, name, kind, strftime(created_at, '%Y-%m-%d %H:%M') AS created, created_by, strftime(expires_at, '%Y-%m-%d %H:%M') AS expires,
              strftime(revoked_at, '%Y-%m-%d %H:%M') AS revoked, strftime(last_used_at, '%Y-%m-%d %H:%M') AS used FROM api_tokens ORDER BY id`,
    );
    return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, createdAt: r.created, createdBy: r.created_by, expiresAt: r.expires, revokedAt: r.revoked, lastUsedAt: r.used }));
  }

  /** Revokes a token and ends the wall sessions it opened. */
  public async revokeToken(id: number): Promise<void> {
    await this.store.run(`UPDATE api_tokens SET revoked_at = now()::TIMESTAMP WHERE id = $1 AND revoked_at IS NULL`, [id]);
    await this.store.run(`UPDATE user_sessions SET ended_at = now()::TIMESTAMP WHERE wall_token_id = $1 AND ended_at IS NULL`, [id]);
    for (const [hash, t] of this.tokens) if (t.id === id) this.tokens.delete(hash);
    for (const [hash, s] of this.sessions) if (s.principal.kind === 'wall' && s.principal.tokenId === id) this.sessions.delete(hash);
  }

  /**
   * The caller a bearer token stands for: an ingest source (`system`) or a wall. From memory: this
   * runs for every ingest request.
   */
  public resolveToken(token: string | null | undefined, kind: TokenKind): Principal | null {
    if (!token) return null;
    const t = this.tokens.get(sha256(token));
    if (!t || t.kind !== kind) return null;
    if (t.expiresAtMs !== null && t.expiresAtMs <= this.now()) return null;
    const principal: Principal = kind === 'wall' ? { kind: 'wall', tokenId: t.id, name: t.name } : { kind: 'source', tokenId: t.id, name: t.name };
    // Written in the background at most once an hour per token (with api_tokens.last_used_at).
    void this.tokenUse.note({ tokenId: t.id, name: t.name, kind }, auditName(principal));
    return principal;
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────

  private async startSession(principal: Principal, ttlMs: number, who: { userId?: number; wallTokenId?: number | null }): Promise<SessionInfo> {
    const sink = currentCall()?.session;
    if (!sink) throw new AuthError('Sign-in needs a console or browser session.', 403);
    const token = newToken(32);
    const csrfToken = newToken(18);
    const expiresAtMs = this.now() + ttlMs;
    const hash = sha256(token);
    const actor = auditName(principal);
    // The session exists only with its audit row: both in one transaction.
    await this.store.transaction(async () => {
      await this.store.run(
        `INSERT INTO user_sessions VALUES ($h, $u, $w, $c, now()::TIMESTAMP, to_timestamp($e / 1000)::TIMESTAMP, NULL)`,
        { h: hash, u: who.userId ?? null, w: who.wallTokenId ?? null, c: csrfToken, e: expiresAtMs },
      );
      await appendAudit(this.store, { actor, action: 'sign_in', subject: principal.kind === 'wall' ? `wall:${principal.tokenId}` : `user:${actor}`, reason: `from ${currentCall()?.from ?? 'local'}`, atMs: this.now() });
    });
    const live: LiveSession = { principal, csrfToken, expiresAtMs };
    this.sessions.set(hash, live);
    sink.begin(token, expiresAtMs);
    return sessionInfo(live);
  }

  private async personPrincipal(userId: number): Promise<Principal> {
    const u = await this.store.one<{ username: string; display_name: string; role: PersonRole; disabled: boolean }>(
      `SELECT username, display_name, role, disabled_at IS NOT NULL AS disabled FROM users WHERE id = $1`,
      [userId],
    );
    if (!u || u.disabled) throw new AuthError('This account is disabled.', 403);
    return { kind: 'person', userId, username: u.username, displayName: u.display_name, role: u.role };
  }

  private async wallPrincipal(tokenId: number): Promise<Principal | null> {
    const t = await this.store.one<{ name: string }>(`SELECT name FROM api_tokens WHERE id = $1 AND revoked_at IS NULL`, [tokenId]);
    return t ? { kind: 'wall', tokenId, name: t.name } : null;
  }

  private throttle(key: string, max: number): void {
    const recent = (this.failures.get(key) ?? []).filter((t) => t > this.now() - FAILED_SIGN_INS.windowMs);
    this.failures.set(key, recent);
    if (recent.length >= max) {
      const waitS = Math.ceil((recent[0]! + FAILED_SIGN_INS.windowMs - this.now()) / 1000);
      throw new AuthError(`Too many failed sign-ins: try again in ${waitS} s.`, 429);
    }
  }

  private fail(key: string): void {
    const list = this.failures.get(key) ?? [];
    list.push(this.now());
    this.failures.set(key, list);
    // Bounded: an attacker cycling names must not grow this map without limit.
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }
}

function sessionInfo(live: LiveSession): SessionInfo {
  const p = live.principal;
  if (p.kind === 'person') return { kind: 'person', name: p.username, displayName: p.displayName, role: p.role, csrfToken: live.csrfToken, expiresAtMs: live.expiresAtMs };
  if (p.kind === 'wall') return { kind: 'wall', name: p.name, displayName: p.name, role: 'wall', csrfToken: live.csrfToken, expiresAtMs: live.expiresAtMs };
  return { kind: 'system', name: p.kind === 'source' ? `source:${p.name}` : p.name, displayName: p.name, role: 'system', csrfToken: live.csrfToken, expiresAtMs: live.expiresAtMs };
}
