import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import {
  ConfigError,
  commaList,
  commonConfig,
  consumerConfig,
  defaultDatabaseUrl,
  envBoolean,
  envHttpUrl,
  envInteger,
  envPort,
  loadConfig,
  serviceConfig,
  serviceInstanceConfig,
} from '../src/config.ts';
import { thrownBy } from '../src/testing/errors.ts';

const exampleConfig = z.object({
  ...commonConfig,
  HTTP_PORT: envPort(8081),
  FRAUD_LIMIT_CENTS: envInteger({ min: 1 }),
  SANDBOX_URL: envHttpUrl('http://127.0.0.1:8090'),
  DEMO_DATA: envBoolean(false),
});

describe('loadConfig', () => {
  test('an empty environment gets every default and only the required variable is reported missing', () => {
    const error = thrownBy(() => loadConfig(exampleConfig, {}), ConfigError);
    assert.deepEqual(error.issues, [{ variable: 'FRAUD_LIMIT_CENTS', message: 'is required but not set' }]);
  });

  test('defaults point at the local stack', () => {
    const config = loadConfig(exampleConfig, { FRAUD_LIMIT_CENTS: '200000' });
    assert.deepEqual(config, {
      DATABASE_URL: defaultDatabaseUrl,
      KAFKA_BOOTSTRAP_SERVERS: ['127.0.0.1:19092'],
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      AUTH_ISSUER: 'microshop',
      AUTH_AUDIENCE: 'microshop-api',
      AUTH_JWKS_URL: ['http://127.0.0.1:8080/api/v1/auth/jwks.json'],
      AUTH_ROLES_CLAIM: 'roles',
      HTTP_PORT: 8081,
      FRAUD_LIMIT_CENTS: 200000,
      SANDBOX_URL: 'http://127.0.0.1:8090',
      DEMO_DATA: false,
    });
  });

  test('every bad variable is listed in one error, each with what it must be', () => {
    const env = {
      DATABASE_URL: 'mysql://root@localhost/db',
      KAFKA_BOOTSTRAP_SERVERS: 'broker-1:9092,broker-2',
      HTTP_PORT: '70000',
      LOG_LEVEL: 'loud',
      FRAUD_LIMIT_CENTS: '12.5',
      SANDBOX_URL: 'ftp://example.org',
      DEMO_DATA: 'maybe',
    };
    const error = thrownBy(() => loadConfig(exampleConfig, env), ConfigError);
    assert.deepEqual(error.issues.map((issue) => issue.variable).sort(), Object.keys(env).sort());
    const message = (variable: string) => error.issues.find((issue) => issue.variable === variable)?.message;
    assert.equal(message('HTTP_PORT'), 'must be an integer between 1 and 65535');
    assert.match(String(message('DATABASE_URL')), /postgres:\/\//);
    assert.match(String(message('LOG_LEVEL')), /fatal, error, warn, info/);
    for (const variable of Object.keys(env)) assert.match(error.message, new RegExp(`  - ${variable}: `));
  });

  test('the error message never echoes a value, since some hold passwords', () => {
    const error = thrownBy(
      () => loadConfig(exampleConfig, { DATABASE_URL: 'postgres//user:s3cret@db/x', FRAUD_LIMIT_CENTS: '1' }),
      ConfigError,
    );
    assert.equal(error.issues.length, 1);
    assert.doesNotMatch(error.message, /s3cret/);
  });

  test('a port must be a whole number from 1 to 65535', () => {
    const schema = z.object({ PORT: envPort() });
    for (const bad of ['0', '65536', '80.5', 'http', '-1']) {
      assert.throws(() => loadConfig(schema, { PORT: bad }), ConfigError, bad);
    }
    assert.equal(loadConfig(schema, { PORT: ' 65535 ' }).PORT, 65535);
  });

  test('an empty variable counts as unset', () => {
    const config = loadConfig(exampleConfig, { HTTP_PORT: '', FRAUD_LIMIT_CENTS: '5' });
    assert.equal(config.HTTP_PORT, 8081);
  });

  test('several bootstrap servers are split into a list', () => {
    const config = loadConfig(exampleConfig, {
      KAFKA_BOOTSTRAP_SERVERS: 'a:1, b.local:19092',
      FRAUD_LIMIT_CENTS: '5',
    });
    assert.deepEqual(config.KAFKA_BOOTSTRAP_SERVERS, ['a:1', 'b.local:19092']);
  });
});

describe('serviceInstanceConfig and consumerConfig', () => {
  const config = z.object({
    ...serviceInstanceConfig({ instance: 'fraud', schema: 'fraud' }),
    ...consumerConfig({ group: 'fraud' }),
  });

  test('default to the real schema, prepared statements, instance, inbox, idempotency and outbox retention, group, dead-letter topic, batch and commit interval', () => {
    assert.deepEqual(loadConfig(config, {}), {
      DATABASE_SCHEMA: 'fraud',
      DATABASE_PREPARED_STATEMENTS: true,
      INSTANCE_ID: 'fraud',
      INBOX_RETENTION_HOURS: 336,
      IDEMPOTENCY_RETENTION_HOURS: 168,
      OUTBOX_RETENTION_HOURS: 72,
      CONSUMER_GROUP: 'fraud',
      DEAD_LETTER_TOPIC: 'microshop.dead-letter',
      CONSUMER_MAX_BATCH: 100,
      CONSUMER_COMMIT_INTERVAL_MS: 200,
    });
  });

  test('take a test’s own names, and refuse a schema name PostgreSQL would need quoted', () => {
    const env = { DATABASE_SCHEMA: 'fraud_main_1a2b', CONSUMER_GROUP: 'group-x', DEAD_LETTER_TOPIC: 'dlq-x' };
    assert.equal(loadConfig(config, env).DATABASE_SCHEMA, 'fraud_main_1a2b');
    assert.throws(() => loadConfig(config, { DATABASE_SCHEMA: 'Fraud-Main' }), /DATABASE_SCHEMA/);
  });
});

describe('serviceConfig', () => {
  test('names the schema after the service with underscores, the instance and group after it, and reads its port', () => {
    const config = loadConfig(z.object(serviceConfig({ name: 'order-details', port: 8112 })), {
      DATABASE_URL: 'postgres://u@localhost:5432/db',
      KAFKA_BOOTSTRAP_SERVERS: 'localhost:9092',
    });
    assert.deepEqual(
      [config.DATABASE_SCHEMA, config.INSTANCE_ID, config.CONSUMER_GROUP, config.HTTP_PORT],
      ['order_details', 'order-details', 'order-details', 8112],
    );
  });
});

describe('commaList', () => {
  test('splits a comma-separated value into its trimmed parts and drops the empty ones', () => {
    assert.deepEqual(commaList(' a, b,,c ,'), ['a', 'b', 'c']);
    assert.deepEqual(commaList(''), []);
  });
});
