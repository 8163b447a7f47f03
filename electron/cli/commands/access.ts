/**
 * `civictwin user …` and `civictwin token …`: the accounts people sign in with and the tokens
 * source systems and walls use. When a host holds the twin the request goes to it (its control
 * channel), so a revoked token stops working at once; otherwise the CLI changes the file itself.
 * Passwords are read without echo (or from stdin with --password-stdin), never from an argument:
 * an argument is visible to every user of the machine in `ps`.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { openTwin } from '../../../data/store/openTwin.ts';
import { AuthService, MIN_PASSWORD, type TokenRow, type UserRow } from '../../services/AuthService.ts';
import { runAuthOp, type AuthOp } from '../../services/authOps.ts';
import { PERSON_ROLES } from '../../common/access.ts';
import { askHost } from './hostControl.ts';

const actor = (): string => userInfo().username;

/** Runs an operation by the host that holds `db`, or on the file when none does. */
async function run<T>(db: string, request: AuthOp): Promise<T> {
  const viaHost = await askHost<T>(db, 'POST', '/v1/auth', { request, actor: actor() });
  if (viaHost) return viaHost.body;
  const store = await openTwin(db);
  try {
    const auth = await AuthService.open(store);
    return (await runAuthOp(auth, store, request, `cli:${actor()}`)) as T;
  } finally {
    store.close();
  }
}

/** A password typed at the terminal without echo, twice; or one line from stdin. */
async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) {
      lines.close();
      return line;
    }
    throw new Error('No password on stdin: pipe it in, or run in a terminal to type it.');
  }
  const ask = async (prompt: string): Promise<string> => {
    process.stdout.write(prompt);
    const muted = new Writable({ write: (_chunk, _enc, done) => done() });
    const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
    const answer = await new Promise<string>((ok) => rl.question('', ok));
    rl.close();
    process.stdout.write('\n');
    return answer;
  };
  const first = await ask(`Password (at least ${MIN_PASSWORD} characters): `);
  const second = await ask('Again: ');
  if (first !== second) throw new Error('The two passwords differ: nothing was changed.');
  return first;
}

const printUsers = (users: UserRow[]): void => {
  if (users.length === 0) return void console.log('No accounts yet: add the first administrator with civictwin user add --role admin.');
  for (const u of users) {
    console.log(`  ${u.username.padEnd(24)} ${u.role.padEnd(10)} ${u.displayName}${u.disabled ? '  (disabled)' : ''}${u.hasPassword ? '' : '  (signs in by one-time link only)'}`);
  }
};

const printTokens = (tokens: TokenRow[]): void => {
  if (tokens.length === 0) return void console.log('No tokens yet.');
  for (const t of tokens) {
    const state = t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt ? `expires ${t.expiresAt}` : 'active';
    console.log(`  #${String(t.id).padEnd(4)} ${t.kind.padEnd(7)} ${t.name.padEnd(28)} ${state.padEnd(26)} last used ${t.lastUsedAt ?? 'never'}  (by ${t.createdBy}, ${t.createdAt})`);
  }
};

export function registerAccessCommands(program: Command): void {
  const user = program.command('user').description('accounts people sign in with (roles: ' + PERSON_ROLES.join(', ') + ')');
  user
    .command('add')
    .description('add an account; the password is typed (no echo) or read from stdin')
    .requiredOption('--db <file>', 'the twin')
    .requiredOption('--username <name>', 'sign-in name: letters, digits, . _ -')
    .requiredOption('--role <role>', PERSON_ROLES.join(' | '))
    .option('--display-name <name>', 'the name shown and audited, e.g. 张伟')
    .option('--password-stdin', 'read the password from stdin')
    .action(async (o: { db: string; username: string; role: string; displayName?: string; passwordStdin?: boolean }) => {
      const password = await readPassword(Boolean(o.passwordStdin));
      const u = await run<UserRow>(resolve(o.db), { op: 'user.add', username: o.username, displayName: o.displayName, role: o.role, password });
      console.log(`Added ${u.username} (${u.role}, ${u.displayName}). They sign in at the console with this name and password.`);
    });
  user
    .command('list')
    .description('list accounts')
    .requiredOption('--db <file>', 'the twin')
    .action(async (o: { db: string }) => printUsers(await run<UserRow[]>(resolve(o.db), { op: 'user.list' })));
  user
    .command('disable')
    .description('disable an account and end its sessions at once')
    .requiredOption('--db <file>', 'the twin')
    .requiredOption('--username <name>', 'the account')
    .action(async (o: { db: string; username: string }) => {
      await run(resolve(o.db), { op: 'user.disable', username: o.username });
      console.log(`Disabled ${o.username}; their sessions have ended.`);
    });
  user
    .command('passwd')
    .description("set an account's password")
    .requiredOption('--db <file>', 'the twin')
    .requiredOption('--username <name>', 'the account')
    .option('--password-stdin', 'read the password from stdin')
    .action(async (o: { db: string; username: string; passwordStdin?: boolean }) => {
      const password = await readPassword(Boolean(o.passwordStdin));
      await run(resolve(o.db), { op: 'user.passwd', username: o.username, password });
      console.log(`Password of ${o.username} changed.`);
    });

  const token = program.command('token').description('tokens for source systems (ingest) and video walls (wall)');
  token
    .command('add')
    .description('create a token; it is shown once, only its hash is kept')
    .requiredOption('--db <file>', 'the twin')
    .requiredOption('--name <name>', 'the source system or wall it is for, e.g. "12345 hotline" or "main wall"')
    .requiredOption('--kind <kind>', 'ingest | wall')
    .option('--expires-days <n>', 'expire after this many days', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 3650) throw new Error('--expires-days must be a whole number from 1 to 3650.');
      return n;
    })
    .action(async (o: { db: string; name: string; kind: string; expiresDays?: number }) => {
      const r = await run<{ token: string; row: TokenRow }>(resolve(o.db), { op: 'token.add', name: o.name, kind: o.kind, expiresDays: o.expiresDays ?? null });
      console.log(`Token #${r.row.id} (${r.row.kind}, "${r.row.name}"): ${r.token}`);
      console.log(
        r.row.kind === 'ingest'
          ? 'Give it to the source system: it sends "Authorization: Bearer <token>". It is shown only now.'
          : 'Open the wall at <host>/#wall=<token>; it shows aggregates only and may only view. It is shown only now.',
      );
    });
  token
    .command('list')
    .description('list tokens (never their text)')
    .requiredOption('--db <file>', 'the twin')
    .action(async (o: { db: string }) => printTokens(await run<TokenRow[]>(resolve(o.db), { op: 'token.list' })));
  token
    .command('revoke')
    .description('revoke a token; a wall it opened is signed out at once')
    .requiredOption('--db <file>', 'the twin')
    .requiredOption('--id <n>', 'the token number from token list', (v) => Number(v))
    .action(async (o: { db: string; id: number }) => {
      await run(resolve(o.db), { op: 'token.revoke', id: o.id });
      console.log(`Token #${o.id} revoked.`);
    });
}
