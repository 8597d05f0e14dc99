import { deleteConsumerGroups } from '../kafka/admin.ts';
import { serveIssuer, type TestIssuer } from './auth.ts';
import {
  createTestTopics,
  type TestTopic,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from './kafka.ts';
import { type RunningService, type StartServiceOptions, startService } from './process.ts';
import { type CleanupRegistrar, createTestSchema, type TestSchema, testDatabaseUrl } from './schema.ts';

/**
 * A service's own process, wired as the stack wires it but on a fresh schema, fresh topics and fresh
 * consumer groups: what every `main.int.test.ts` needs before it can check its own service's wiring.
 */

export interface ServiceProcessOptions<Topic extends string = string> {
  /** The service's name: prefixes the schema, topic and group names, and is its INSTANCE_ID. */
  name: string;
  /** Environment variable → topic to create for it (a suffix, or a topic spec with `compacted`). */
  topics?: Record<Topic, string | TopicSpec>;
  /** Environment variables that name consumer groups (default `CONSUMER_GROUP`); each gets a fresh one. */
  groups?: readonly string[];
  /** The issuer whose tokens the process trusts (its JWKS is served for the test). */
  issuer?: TestIssuer;
  /** A schema made (and migrated) by the test already; default a fresh empty one. */
  schema?: TestSchema;
  /** Everything else the service reads, over the wiring above. */
  env?: Record<string, string>;
  start?: StartServiceOptions;
}

type TopicSpec = Omit<TestTopic, 'name'> & { suffix: string };

export interface ServiceProcess<Topic extends string = string> {
  service: RunningService;
  db: TestSchema;
  /** The topic made for each environment variable of `topics`. */
  topics: Record<Topic, string>;
  /** The group named for each environment variable of `groups`. */
  groups: Record<string, string>;
  bootstrapServers: string;
}

export async function startServiceProcess<Topic extends string>(
  main: string | URL,
  t: CleanupRegistrar,
  options: ServiceProcessOptions<Topic>,
): Promise<ServiceProcess<Topic>> {
  const bootstrapServers = testKafkaBootstrapServers();
  const db = options.schema ?? (await createTestSchema(options.name.replaceAll('-', '_'), t));
  const topics = await freshTopics<Topic>(t, options.name, options.topics, bootstrapServers);
  const groups = Object.fromEntries(
    (options.groups ?? ['CONSUMER_GROUP']).map((variable) => [variable, uniqueGroup(options.name)]),
  );
  const trusted = options.issuer === undefined ? { env: {} } : await serveIssuer(options.issuer, t);
  const env = {
    ...trusted.env,
    DATABASE_URL: testDatabaseUrl(),
    DATABASE_SCHEMA: db.name,
    KAFKA_BOOTSTRAP_SERVERS: bootstrapServers,
    INSTANCE_ID: `${options.name}-1`,
    ...topics,
    ...groups,
    ...options.env,
  };
  const service = await startService(main, env, t, options.start);
  // Registered after startService's kill, so it runs once the process is gone: a member killed
  // mid-test stays in its group until its session times out.
  const names = Object.values(groups);
  t.after(() =>
    deleteConsumerGroups({ bootstrapServers, groups: names, clientId: 'test-cleanup' }).catch(() => {}),
  );
  return { service, db, topics, groups, bootstrapServers };
}

async function freshTopics<Topic extends string>(
  t: CleanupRegistrar,
  name: string,
  wanted: Record<Topic, string | TopicSpec> | undefined,
  bootstrapServers: string,
): Promise<Record<Topic, string>> {
  const specs: [string, string | TopicSpec][] = Object.entries(wanted ?? {});
  const entries = specs.map(([variable, spec]) => {
    const { suffix, ...rest } = typeof spec === 'string' ? { suffix: spec } : spec;
    return [variable, { ...rest, name: uniqueTopic(`${name}-${suffix}`) }] as const;
  });
  await createTestTopics(
    t,
    entries.map(([, topic]) => topic),
    bootstrapServers,
  );
  return Object.fromEntries(entries.map(([variable, topic]) => [variable, topic.name])) as Record<
    Topic,
    string
  >;
}
