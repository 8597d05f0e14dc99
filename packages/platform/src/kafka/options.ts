/** The least time between two offset commits of a consumer (see offset-committer.ts), unless configured. */
export const defaultCommitIntervalMs = 200;

/**
 * Accepts the usual `KAFKA_BOOTSTRAP_SERVERS` form (`host1:9092,host2:9092`) or a list, and fails
 * fast on an empty one: an empty list would only surface later as a vague connection error.
 */
export function brokerList(bootstrapServers: string | readonly string[]): string[] {
  const list = typeof bootstrapServers === 'string' ? bootstrapServers.split(',') : [...bootstrapServers];
  const brokers = list.map((server) => server.trim()).filter((server) => server.length > 0);
  if (brokers.length === 0) throw new Error('kafka: bootstrapServers is empty');
  return brokers;
}
