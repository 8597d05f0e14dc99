// The stack's database secrets against the running test stack: every service logs in with a role of
// its own that reaches its own schema only; the CDC role reads the outbox tables and nothing else;
// the superuser cannot log in over TCP and its password file is gone; and Kafka Connect's REST API
// never shows the CDC password (the worker resolves it from its environment).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { serviceSchemas } from '../src/apphost.ts';
import { serviceDatabaseUrl, serviceRoleName } from '../src/database-roles.ts';
import { stackDirs } from '../src/paths.ts';
import { stackSecrets } from '../src/secrets.ts';
import { connectUrl, loadSettings, loginUrl } from '../src/settings.ts';

const settings = loadSettings('test');
const secrets = stackSecrets(settings);
const clients: pg.Client[] = [];

async function login(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return client;
}

const cdcUrl = () => loginUrl(settings, { user: settings.pg.cdcUser, password: secrets.cdc });

/** Rejects with PostgreSQL's "permission denied" (42501). */
async function denied(query: Promise<unknown>, what: string): Promise<void> {
  await assert.rejects(query, (error: { code?: string }) => error.code === '42501', what);
}

after(async () => {
  await Promise.all(clients.map((client) => client.end().catch(() => {})));
});

describe('database roles', () => {
  it('gives every service schema a role of its own that owns it', async () => {
    const admin = await login(loginUrl(settings, { user: settings.pg.user, password: secrets.admin }));
    const owners = await admin.query<{ schema: string; owner: string }>(
      `select nspname as schema, pg_get_userbyid(nspowner) as owner from pg_namespace
        where nspname = any($1::text[])`,
      [serviceSchemas()],
    );
    assert.equal(owners.rowCount, serviceSchemas().length);
    for (const { schema, owner } of owners.rows) assert.equal(owner, serviceRoleName(settings, schema));
  });

  it("lets a service's role reach its own schema and no other, and create no schema", async () => {
    const orders = await login(serviceDatabaseUrl(settings, 'orders'));
    await orders.query('select count(*) from orders.outbox');
    await denied(orders.query('select count(*) from payments.outbox'), 'orders reads payments');
    await denied(orders.query('select count(*) from inventory.outbox'), 'orders reads inventory');
    await denied(orders.query('create schema orders_extra'), 'a service role creates a schema');
    const payments = await login(serviceDatabaseUrl(settings, 'payments'));
    await denied(payments.query('select count(*) from orders.outbox'), 'payments reads orders');
  });

  it('lets the CDC role read the outbox tables and nothing else', async (t) => {
    const orders = await login(serviceDatabaseUrl(settings, 'orders'));
    await orders.query('create table orders.cdc_probe (secret text)');
    t.after(() => orders.query('drop table if exists orders.cdc_probe'));
    const cdc = await login(cdcUrl());
    await cdc.query('select count(*) from orders.outbox');
    await cdc.query('select count(*) from payments.outbox');
    await denied(cdc.query('select * from orders.cdc_probe'), 'the CDC role reads a service table');
  });

  it('leaves no superuser password on disk and refuses the superuser over TCP', async () => {
    assert.equal(existsSync(join(stackDirs(settings.home).data, 'postgres.pw')), false);
    const superuser = new pg.Client({
      connectionString: loginUrl(settings, { user: 'postgres', password: 'postgres' }),
    });
    await assert.rejects(superuser.connect(), /no pg_hba.conf entry|authentication failed|rejects/);
    await superuser.end().catch(() => {});
  });
});

describe('the CDC password and Kafka Connect', () => {
  for (const path of ['config', 'tasks']) {
    it(`never shows the password in GET /connectors/microshop-outbox/${path}`, async () => {
      const response = await fetch(`${connectUrl(settings)}/connectors/microshop-outbox/${path}`);
      assert.equal(response.status, 200);
      const text = await response.text();
      assert.equal(text.includes(secrets.cdc), false, 'the CDC password is in the REST answer');
      assert.match(text, /"database\.password":"\$\{env:MICROSHOP_CDC_PASSWORD\}"/);
    });
  }
});
