/**
 * `civictwin import tickets` and `import households` (issue 14): a district's own records into its twin. Registered under
 * `import`, whose default subcommand imports map data (`civictwin import --db F files…`).
 */
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { importTickets } from '../importTickets.ts';
import { importHouseholds } from '../importHouseholds.ts';
import { parseUtcOffset } from '../../../data/import/tickets.ts';
import { progressReporter } from '../progress.ts';

const offset = (v: string): number => {
  try {
    return parseUtcOffset(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

export function registerRecordImports(importCommand: Command): void {
  importCommand
    .command('tickets')
    .description('import a 12345 hotline export (or a 311 export of the same shape: CSV with a header) into the twin\'s incident history')
    .requiredOption('--db <file>', 'the twin (.duckdb) with its map data already imported')
    .option('--utc-offset <offset>', "the export's local time zone, e.g. +08:00 (China) or -05:00", offset, 480)
    .option('--mapping <file.json>', 'column names and category mapping: {"columns": {"created": "受理时间"}, "categories": {"环境卫生": "garbage"}}')
    .option('--skip-invalid', 'import the valid rows and write a report of every skipped row (default: all or nothing)')
    .option('--dry-run', 'read and check everything, print what would be imported, write nothing')
    .argument('<file.csv>')
    .action(async (file: string, o: { db: string; utcOffset: number; mapping?: string; skipInvalid?: boolean; dryRun?: boolean }) => {
      const progress = progressReporter();
      const r = await importTickets(resolve(o.db), resolve(file), {
        offsetMin: o.utcOffset,
        mappingFile: o.mapping ? resolve(o.mapping) : undefined,
        skipInvalid: o.skipInvalid,
        dryRun: o.dryRun,
        onProgress: progress.onProgress,
      }).finally(() => progress.stop());
      console.log(`${file}: ${r.rows} rows. Columns used:`);
      for (const [field, header] of Object.entries(r.columns)) console.log(`  ${field.padEnd(9)} ← ${header ?? '(none)'}`);
      console.log(`Categories (source → twin, tickets):`);
      const cats = [...r.categories].sort((a, b) => b[1][1] - a[1][1]);
      for (const [source, [twin, n]] of cats.slice(0, 25)) console.log(`  ${source} → ${twin}: ${n}`);
      if (cats.length > 25) console.log(`  … and ${cats.length - 25} more source categories`);
      const verb = r.dryRun ? 'Would import' : 'Imported';
      console.log(`${verb} ${r.imported} tickets${r.alreadyIn > 0 ? `; ${r.alreadyIn} were already in the twin (left as they were)` : ''}. Of the file's placed tickets, ${r.onBuilding} are on a building and ${r.placedByAddress} were placed by their address.`);
      if (r.skipped.length > 0) console.log(`Skipped ${r.skipped.length} rows${r.reportPath ? `: every one with its line and reason in ${r.reportPath}` : ` (first: line ${r.skipped[0]!.line}: ${r.skipped[0]!.reason})`}.`);
    });

  importCommand
    .command('households')
    .description('import a household register (一户一档, .xlsx or .csv, one row per resident): names, ID numbers and phones are encrypted on the way in and never printed')
    .requiredOption('--db <file>', 'the twin (.duckdb) with its buildings already imported')
    .option('--mapping <file.json>', 'column names when the register uses others: {"columns": {"idNumber": "证件号", "room": "房间"}}')
    .option('--skip-invalid', 'import the valid rows and write a report of the others by line and column, without their values (default: all or nothing)')
    .option('--dry-run', 'read, check and place everything, print what would be imported, write nothing')
    .argument('<register>', '.xlsx (first sheet) or .csv (UTF-8)')
    .action(async (file: string, o: { db: string; mapping?: string; skipInvalid?: boolean; dryRun?: boolean }) => {
      const progress = progressReporter();
      const r = await importHouseholds(resolve(o.db), resolve(file), {
        mappingFile: o.mapping ? resolve(o.mapping) : undefined,
        skipInvalid: o.skipInvalid,
        dryRun: o.dryRun,
        onProgress: progress.onProgress,
      }).finally(() => progress.stop());
      console.log(`${file}: ${r.rows} rows. Column mapping (register column → field):`);
      for (const [field, header] of Object.entries(r.columns)) console.log(`  ${(header ?? '(none)').padEnd(12)} → ${field}`);
      const verb = r.dryRun ? 'Would import' : 'Imported';
      console.log(`${verb} ${r.households} households with ${r.persons} residents (${r.placedByCode} placed by building code, ${r.placedByAddress} by address)${r.alreadyIn > 0 ? `; ${r.alreadyIn} were already in the twin at the same building and room (left as they were)` : ''}. Names, ID numbers and phones are stored encrypted.`);
      if (r.skipped.length > 0) console.log(`Skipped ${r.skipped.length} rows${r.reportPath ? `: each with its line, column and reason (no values) in ${r.reportPath}` : ` (first: line ${r.skipped[0]!.line}: ${r.skipped[0]!.reason})`}.`);
    });
}
