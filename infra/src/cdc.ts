// npm run cdc -- status                      the outbox connector, its tasks and the replication slot
// npm run cdc -- recover [--since <ISO time> | --all]
//                                            after the replication slot was lost: stream the outbox
//                                            rows written since the last published event again
//                                            (docs/operations.md, "Recovery after the slot is lost")
// Add --test to act on the test stack.
import pg from 'pg';
import { outboxConnector, recoverLostSlot } from './cdc-recovery.ts';
import { connectorStatus } from './connect.ts';
import { superuserUrl } from './postgres.ts';
import { loadSettings, type StackSettings } from './settings.ts';

async function status(settings: StackSettings): Promise<void> {
  const connector = await connectorStatus(settings, outboxConnector);
  if (connector === undefined) console.log(`connector ${outboxConnector}: not found (is Kafka Connect up?)`);
  else {
    console.log(`connector ${outboxConnector}: ${connector.connector.state}`);
    for (const task of connector.tasks) {
      const trace = task.trace?.split('\n')[0]?.slice(0, 300);
      console.log(`  task ${task.id}: ${task.state}${trace ? ` — ${trace}` : ''}`);
    }
  }
  const client = new pg.Client({ connectionString: superuserUrl(settings, settings.pg.database) });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT slot_name, active, wal_status, pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)) AS lag
       FROM pg_replication_slots WHERE slot_type = 'logical' ORDER BY slot_name`,
    );
    if (rows.length === 0) console.log('no logical replication slot: lost? npm run cdc -- recover');
    for (const row of rows) {
      console.log(
        `slot ${row.slot_name}: ${row.active ? 'active' : 'inactive'}, wal ${row.wal_status}, lag ${row.lag}`,
      );
    }
  } finally {
    await client.end();
  }
}

function sinceOf(argv: readonly string[]): Date | 'all' | undefined {
  if (argv.includes('--all')) return 'all';
  const at = argv.indexOf('--since');
  if (at === -1) return undefined;
  const since = new Date(argv[at + 1] ?? '');
  if (Number.isNaN(since.getTime()))
    throw new Error('--since needs a time, e.g. --since 2026-03-01T10:00:00Z');
  return since;
}

async function main(argv: string[]): Promise<void> {
  const settings = loadSettings(argv.includes('--test') ? 'test' : 'dev');
  const [command] = argv.filter((argument) => !argument.startsWith('--'));
  switch (command) {
    case 'status':
      return status(settings);
    case 'recover': {
      const since = sinceOf(argv);
      await recoverLostSlot(settings, since === undefined ? {} : { since });
      return;
    }
    default:
      console.log('usage: npm run cdc -- status | recover [--since <ISO time> | --all] [--test]');
      process.exitCode = command ? 1 : 0;
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`\n✗ ${error.message}`);
  process.exit(1);
});
