/**
 * `civictwin audit verify --db FILE`: walks the audit log's hash chain (electron/services/audit.ts)
 * and names the first row that was edited, deleted or reordered (exit 1), or says the chain is
 * intact with its head hash, which anyone may note elsewhere (a shift log) to anchor it. A host
 * holding the twin is asked to walk it (its control channel); otherwise the file is read, read-only.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openTwin } from '../../../data/store/openTwin.ts';
import type { AuditVerdict } from '../../common/auditLog.ts';
import { verifyAuditChain } from '../../services/audit.ts';
import { askHost } from './hostControl.ts';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description("check a twin's audit log");
  audit
    .command('verify')
    .description('walk the hash chain of the audit log: report the first edited, deleted or reordered row (exit 1), or "N rows, chain intact"')
    .requiredOption('--db <file>', 'the twin')
    .option('--json', 'print the verdict as JSON')
    .action(async (o: { db: string; json?: boolean }) => {
      const db = resolve(o.db);
      if (!existsSync(db)) throw new Error(`Twin database not found: ${db}.`);
      const { verdict, via } = await verify(db);
      if (o.json) console.log(JSON.stringify(verdict, null, 2));
      if (!verdict.ok) {
        if (!o.json) console.error(`${db}: the audit log has been tampered with: ${verdict.problem}.`);
        process.exitCode = 1;
        return;
      }
      if (o.json) return;
      const legacy = verdict.unsealed > 0 ? ` (${verdict.unsealed} rows from before the chain are not chained yet: the host chains them with its next audit row)` : '';
      console.log(`${verdict.rows.toLocaleString('en-US')} rows, chain intact${legacy}. Head hash ${verdict.headHash}${via}.`);
    });
}

async function verify(db: string): Promise<{ verdict: AuditVerdict; via: string }> {
  const viaHost = await askHost<AuditVerdict>(db, 'POST', '/v1/audit-verify', {});
  if (viaHost) return { verdict: viaHost.body, via: ` (checked by ${viaHost.host.host}, PID ${viaHost.host.pid}, which holds the twin)` };
  const store = await openTwin(db, { readOnly: true, busyAdvice: 'stop that host, or let it check: it answers "civictwin audit verify" itself once it is this version' });
  try {
    const version = await store.schemaVersion();
    if (version < 7) {
      throw new Error(`${db} predates the audit chain (schema version ${version}; the chain came with 7): open it once with this version (civictwin serve --db ${db}) and it is added, chaining the rows it has.`);
    }
    return { verdict: await verifyAuditChain(store), via: '' };
  } finally {
    store.close();
  }
}
