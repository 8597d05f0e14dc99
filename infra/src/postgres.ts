// The project-local PostgreSQL cluster: initdb on first start (as the `postgres` OS user when we
// are root, because initdb refuses root), started in the foreground under our supervision with
// logical decoding on, then the roles, the database, the service schemas and the outbox publication
// are ensured (database-roles.ts).
//
// The superuser has no password at all: it logs in only over a Unix socket in a directory of the
// stack's own, by peer authentication mapped to the OS user running the stack. Nothing that could
// log in as the superuser is written to disk, and TCP clients (every service, Debezium, people)
// log in with roles of their own.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { serviceSchemas } from './apphost.ts';
import { ensureRoles, ensureSchemas } from './database-roles.ts';
import { type StackDirs, stackDirs } from './paths.ts';
import { findPostgresBin } from './postgres-bin.ts';
import { type RunningPart, startPart, waitUntil } from './proc.ts';
import type { StackSettings } from './settings.ts';

const superuser = 'postgres';

interface OsUser {
  uid: number;
  gid: number;
}

/** When running as root, PostgreSQL must run as an unprivileged user: the Debian `postgres` account. */
function postgresOsUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function pgDataDir(dirs: StackDirs): string {
  return join(dirs.data, 'postgres');
}

/**
 * Where the server's Unix socket lives: in the stack's run directory, or (when that path is too
 * long for a socket address) in a directory of the stack's own under the system's temp directory.
 */
export function socketDir(settings: StackSettings): string {
  const preferred = join(stackDirs(settings.home).run, 'pg');
  if (`${preferred}/.s.PGSQL.${settings.pg.port}`.length <= 100) return preferred;
  const tag = createHash('sha256').update(settings.home).digest('hex').slice(0, 12);
  return join(tmpdir(), `microshop-pg-${tag}`);
}

function prepareSocketDir(settings: StackSettings, user: OsUser | undefined): string {
  const dir = socketDir(settings);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (user) chownSync(dir, user.uid, user.gid);
  return dir;
}

function initCluster(binDir: string, dataDir: string, user: OsUser | undefined): void {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  mkdirSync(join(dataDir, '..'), { recursive: true });
  if (!existsSync(dataDir)) mkdirSync(dataDir, { mode: 0o700 });
  if (user) {
    chownSync(dataDir, user.uid, user.gid);
    const probe = spawnSync('test', ['-w', dataDir], { uid: user.uid, gid: user.gid });
    if (probe.status !== 0) {
      throw new Error(
        `PostgreSQL runs as the 'postgres' OS user, which cannot write ${dataDir}. ` +
          'Clone the repository under a directory every user can traverse (e.g. not under /root), or set MICROSHOP_HOME.',
      );
    }
  }
  // No superuser password: pg_hba.conf (written on every start) lets the superuser in by peer only.
  const args = ['-D', dataDir, '-U', superuser, '--auth-local=peer', '--auth-host=reject'];
  args.push('-E', 'UTF8', '--locale=C.UTF-8');
  const initdb = spawnSync(join(binDir, 'initdb'), args, {
    encoding: 'utf8',
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  if (initdb.status !== 0) throw new Error(`initdb failed:\n${initdb.stdout}\n${initdb.stderr}`);
}

/**
 * Who may log in how, written on every start (so a cluster made by an earlier version gets it too):
 * the superuser only over the socket, as the OS user running the stack; every other role over TCP
 * with its password (SCRAM), replication included (Debezium).
 */
function writeAccessRules(dataDir: string, user: OsUser | undefined): void {
  const hba = [
    '# Written by the stack runner on every start (infra/src/postgres.ts); edits are overwritten.',
    `local all ${superuser} peer map=stack`,
    `host all ${superuser} 0.0.0.0/0 reject`,
    `host all ${superuser} ::/0 reject`,
    'host all all 127.0.0.1/32 scram-sha-256',
    'host all all ::1/128 scram-sha-256',
    'host replication all 127.0.0.1/32 scram-sha-256',
    'host replication all ::1/128 scram-sha-256',
  ];
  const ident = [
    '# Written by the stack runner on every start: the OS users that may be the superuser.',
    `stack ${userInfo().username} ${superuser}`,
    `stack ${superuser} ${superuser}`,
  ];
  for (const [file, lines] of [
    ['pg_hba.conf', hba],
    ['pg_ident.conf', ident],
  ] as const) {
    const path = join(dataDir, file);
    writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
    if (user) chownSync(path, user.uid, user.gid);
  }
}

/** The file an earlier version gave initdb and left behind, with the superuser's password in it. */
function removeLegacyPasswordFile(dirs: StackDirs): void {
  rmSync(join(dirs.data, 'postgres.pw'), { force: true });
}

/** Server settings: logical decoding for Debezium, a cap on WAL a forgotten slot may hold, TCP and the private socket. */
function serverArgs(settings: StackSettings, dataDir: string, socket: string): string[] {
  const parameters: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    port: settings.pg.port,
    unix_socket_directories: socket,
    unix_socket_permissions: '0700',
    wal_level: 'logical',
    max_wal_senders: 10,
    max_replication_slots: 10,
    max_slot_wal_keep_size: '2GB',
    max_connections: 300,
    shared_buffers: '256MB',
    logging_collector: 'off',
    log_min_messages: 'warning',
    log_line_prefix: '%m [%p] %q%u@%d ',
  };
  const options = Object.entries(parameters).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  return ['-D', dataDir, ...options];
}

/** How the stack runner (and nothing else) reaches the superuser: the private socket, by peer. */
export function superuserConnection(settings: StackSettings, database = 'postgres'): pg.ClientConfig {
  return { host: socketDir(settings), port: settings.pg.port, user: superuser, database };
}

/** The same as a URL (`?host=<socket dir>`), for tools and tests run as the same OS user. */
export function superuserUrl(settings: StackSettings, database = 'postgres'): string {
  const host = encodeURIComponent(socketDir(settings));
  return `postgres://${superuser}@localhost:${settings.pg.port}/${database}?host=${host}`;
}

async function canConnect(config: pg.ClientConfig): Promise<boolean> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function startPostgres(settings: StackSettings, dirs: StackDirs): Promise<RunningPart> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL 15+ server binaries not found: install postgresql-15 or set PG_BIN');
  const user = postgresOsUser();
  const dataDir = pgDataDir(dirs);
  initCluster(bin.dir, dataDir, user);
  writeAccessRules(dataDir, user);
  removeLegacyPasswordFile(dirs);
  const socket = prepareSocketDir(settings, user);
  const part = startPart(
    {
      name: 'postgres',
      command: join(bin.dir, 'postgres'),
      args: serverArgs(settings, dataDir, socket),
      stopSignal: 'SIGINT',
      ...(user ?? {}),
    },
    dirs,
  );
  await waitUntil(
    part,
    `PostgreSQL accepting connections on 127.0.0.1:${settings.pg.port}`,
    () => canConnect(superuserConnection(settings)),
    60_000,
  );
  await bootstrapDatabase(settings);
  return part;
}

export async function withSuperuser<T>(
  settings: StackSettings,
  database: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client(superuserConnection(settings, database));
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Idempotent: the roles and the database, then (in the database) the publication and each service's
 * schema owned by its role; an earlier version's superuser password is dropped.
 */
async function bootstrapDatabase(settings: StackSettings): Promise<void> {
  const schemas = serviceSchemas();
  await withSuperuser(settings, 'postgres', async (client) => {
    await client.query(`alter role ${superuser} password null`);
    await ensureRoles(client, settings, schemas);
  });
  await withSuperuser(settings, settings.pg.database, (client) => ensureSchemas(client, settings, schemas));
}

/** Whether Debezium is attached to the outbox's replication slot (the change-data capture runs). */
export async function outboxSlotActive(settings: StackSettings): Promise<boolean> {
  return withSuperuser(settings, settings.pg.database, async (client) => {
    const result = await client.query(
      "select active from pg_replication_slots where slot_name = 'microshop_outbox'",
    );
    return result.rows[0]?.active === true;
  });
}
