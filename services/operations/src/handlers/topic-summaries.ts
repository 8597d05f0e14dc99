import { earliest, type KafkaBrowser, latest } from '../clients/kafka-browser.ts';

// The topic list of the console: partitions, replication factor, offsets and the two settings an
// operator looks for first (retention, cleanup policy).

export interface TopicSummary {
  name: string;
  partitions: number;
  replicas: number;
  /** Records between the log start and end offsets (an upper bound on compacted topics). */
  records: string;
  retentionMs: string | null;
  cleanupPolicy: string | null;
}

export async function summarizeTopics(kafka: KafkaBrowser): Promise<TopicSummary[]> {
  const names = await kafka.topicNames();
  return Promise.all(
    names.map(async (name) => {
      const [info, start, end] = await Promise.all([
        kafka.describe(name),
        kafka.offsets(name, earliest),
        kafka.offsets(name, latest),
      ]);
      const records = end.reduce((sum, e, p) => sum + (e - (start[p] ?? 0n)), 0n);
      return {
        name,
        partitions: info.partitions.length,
        replicas: info.partitions[0]?.replicas.length ?? 0,
        records: String(records),
        retentionMs: info.configs['retention.ms'] ?? null,
        cleanupPolicy: info.configs['cleanup.policy'] ?? null,
      };
    }),
  );
}
