import { topics } from '@microshop/contracts';
import { z } from 'zod';
import { defaultCommitIntervalMs } from './kafka/options.ts';

/**
 * Environment configuration. Each service's main reads and checks its environment exactly once,
 * before it opens any connection, so a typo fails the start with every problem listed at once
 * instead of one per restart.
 */

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** Thrown by `loadConfig`; its message lists every bad or missing variable, one a line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(
      `Invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((issue) => `  - ${issue.variable}: ${issue.message}`).join('\n'),
    );
    this.issues = issues;
  }
}

export type Env = Record<string, string | undefined>;

/**
 * Validates `env` against `schema` and returns the typed, defaulted result.
 * An empty variable counts as unset: shells and .env files often leave `FOO=` behind.
 * Values are never echoed back in messages because some of them (DATABASE_URL) hold secrets.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): z.output<S> {
  const cleaned: Env = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(toConfigIssues(result.error, cleaned));
}

function toConfigIssues(error: z.ZodError, env: Env): ConfigIssue[] {
  return error.issues.map((issue) => {
    const variable = issue.path.map(String).join('.') || '(environment)';
    const missing = issue.code === 'invalid_type' && env[variable] === undefined;
    return { variable, message: missing ? 'is required but not set' : issue.message };
  });
}

// ---------------------------------------------------------------------------------------------
// Reusable pieces. Environment values are strings: each piece parses and range-checks its text.
// ---------------------------------------------------------------------------------------------

const integerText = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, `must be an integer between ${min} and ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, `must be an integer between ${min} and ${max}`)
        .max(max, `must be an integer between ${min} and ${max}`),
    );

/** An integer in [min, max]; without a default the variable is required. */
export function envInteger(options: { min?: number; max?: number; default?: number } = {}) {
  const schema = integerText(options.min ?? Number.MIN_SAFE_INTEGER, options.max ?? Number.MAX_SAFE_INTEGER);
  return options.default === undefined ? schema : schema.default(options.default);
}

/** A TCP port, 1–65535. */
export function envPort(defaultPort?: number) {
  return envInteger({ min: 1, max: 65535, ...(defaultPort === undefined ? {} : { default: defaultPort }) });
}

/** `true/false`, `1/0`, `yes/no` (any case). */
export function envBoolean(defaultValue?: boolean) {
  const schema = z
    .string()
    .trim()
    .toLowerCase()
    .refine((text) => /^(true|false|1|0|yes|no)$/.test(text), 'must be true or false')
    .transform((text) => text === 'true' || text === '1' || text === 'yes');
  return defaultValue === undefined ? schema : schema.default(defaultValue);
}

/** An http(s) URL, e.g. a sandbox provider's base URL. */
export function envHttpUrl(defaultUrl?: string) {
  const schema = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
  return defaultUrl === undefined ? schema : schema.default(defaultUrl);
}

export const defaultDatabaseUrl = 'postgres://microshop:microshop@127.0.0.1:55432/microshop';
export const defaultKafkaBootstrapServers = '127.0.0.1:19092';

export const envDatabaseUrl = z
  .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
  .default(defaultDatabaseUrl);

/** `a, b,,c` → `['a', 'b', 'c']`: a comma-separated value as its trimmed, non-empty parts. */
export function commaList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

const hostPort = /^[A-Za-z0-9.-]+:(\d{1,5})$/;

/** Comma-separated `host:port` list, parsed to an array (the form Kafka clients take). */
export const envKafkaBootstrapServers = z
  .string()
  .default(defaultKafkaBootstrapServers)
  .transform(commaList)
  .refine(
    (servers) => servers.length > 0 && servers.every((server) => isHostPort(server)),
    'must be a comma-separated list of host:port (port 1-65535)',
  );

function isHostPort(server: string): boolean {
  const match = hostPort.exec(server);
  const portNumber = Number(match?.[1]);
  return match !== null && portNumber >= 1 && portNumber <= 65535;
}

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export const envLogLevel = z
  .enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` })
  .default('info');

export const envHttpHost = z.string().trim().min(1).default('127.0.0.1');

/** Comma-separated http(s) URLs, parsed to an array (instances of one service, tried in turn). */
export function envHttpUrlList(defaultUrls: string) {
  return z
    .string()
    .default(defaultUrls)
    .transform(commaList)
    .refine(
      (urls) => urls.length > 0 && urls.every((url) => /^https?:\/\//.test(url) && URL.canParse(url)),
      'must be a comma-separated list of http:// or https:// URLs',
    );
}

/** The built-in issuer's key set, reached through the dev gateway; the stack runner names the instances. */
export const defaultJwksUrl = 'http://127.0.0.1:8080/api/v1/auth/jwks.json';

/**
 * Whose access tokens a service trusts (see auth/principal.ts): the `iss` and `aud` every token must
 * carry, where the issuer publishes its keys (several URLs: tried in turn while one is unreachable),
 * and the claim that holds the roles. The defaults are microshop's own identity (the customers
 * service); an outside OpenID Connect issuer is plugged in by setting all four.
 */
export const authConfig = {
  AUTH_ISSUER: z.string().trim().min(1).default('microshop'),
  AUTH_AUDIENCE: z.string().trim().min(1).default('microshop-api'),
  AUTH_JWKS_URL: envHttpUrlList(defaultJwksUrl),
  AUTH_ROLES_CLAIM: z.string().trim().min(1).default('roles'),
};

/**
 * The variables most services share. Spread them into the service's own schema:
 * `z.object({ ...commonConfig, HTTP_PORT: envPort(8081), FRAUD_LIMIT: envInteger({ min: 1 }) })`.
 */
export const commonConfig = {
  DATABASE_URL: envDatabaseUrl,
  KAFKA_BOOTSTRAP_SERVERS: envKafkaBootstrapServers,
  HTTP_HOST: envHttpHost,
  LOG_LEVEL: envLogLevel,
  ...authConfig,
};

/** A lower-case PostgreSQL identifier, e.g. a service's own schema. */
export function envSchemaName(defaultSchema: string) {
  return z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case identifier')
    .default(defaultSchema);
}

/** A topic name: the real topic by default, overridable so a test runs the process on its own topics. */
export function envTopic(defaultTopic: string) {
  return z.string().min(1).default(defaultTopic);
}

/**
 * What a service owning a schema in the shared database reads besides `commonConfig`: its schema
 * (only tests running the whole process change it) and the instance id the stack runner sets
 * (`fraud-2`), which names the instance's database connections and Kafka clients.
 */
export function serviceInstanceConfig(options: { instance: string; schema: string }) {
  return {
    DATABASE_SCHEMA: envSchemaName(options.schema),
    /** Parameterized queries as named prepared statements, planned once per connection (db/prepared.ts). */
    DATABASE_PREPARED_STATEMENTS: envBoolean(true),
    INSTANCE_ID: z.string().min(1).default(options.instance),
    /** Inbox rows older than this are pruned; keep it above the topics' retention (7 days). */
    INBOX_RETENTION_HOURS: envInteger({ min: 1, default: 14 * 24 }),
    /** Idempotency keys older than this are pruned; keep it well above any client's retry window. */
    IDEMPOTENCY_RETENTION_HOURS: envInteger({ min: 1, default: 7 * 24 }),
    /**
     * Outbox rows older than this are pruned. Kept so a lost replication slot can be recovered by
     * streaming them again; keep it below the inbox's retention, which dedupes the copies.
     */
    OUTBOX_RETENTION_HOURS: envInteger({ min: 1, default: 3 * 24 }),
  };
}

/**
 * What a service consuming with one group reads: the group (also its inbox's consumer name) and the
 * topic it parks messages on that it cannot handle.
 */
export function consumerConfig(options: { group: string }) {
  return {
    CONSUMER_GROUP: z.string().min(1).default(options.group),
    DEAD_LETTER_TOPIC: envTopic(topics.deadLetter),
    /** The most ready records of a partition handled in one transaction; 1 handles them one at a time. */
    CONSUMER_MAX_BATCH: envInteger({ min: 1, max: 1000, default: 100 }),
    /** The least time between two offset commits of a consumer; 0 commits after every batch. */
    CONSUMER_COMMIT_INTERVAL_MS: envInteger({ min: 0, max: 60_000, default: defaultCommitIntervalMs }),
  };
}

/**
 * What a service with a schema of its own and one consumer group reads besides its own settings:
 * `commonConfig`, its schema and instance (`serviceInstanceConfig`), its group and dead-letter topic
 * (`consumerConfig`) and its HTTP port. The schema is the name with `_` for `-`; the group is the name.
 */
export function serviceConfig(options: { name: string; port: number }) {
  return {
    ...commonConfig,
    ...serviceInstanceConfig({ instance: options.name, schema: options.name.replaceAll('-', '_') }),
    ...consumerConfig({ group: options.name }),
    HTTP_PORT: envPort(options.port),
  };
}
