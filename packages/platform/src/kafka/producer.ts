import { compatibilityPartitioner, ProduceAcks, Producer, stringSerializer } from '@platformatic/kafka';
import type { Logger } from 'pino';
import { encodeHeaders, encodeKey, encodeValue, type OutgoingValue } from './codec.ts';
import { brokerList } from './options.ts';

export interface OutgoingMessage {
  topic: string;
  /** Plain id strings (never a struct): the key picks the partition and so the per-key order. */
  key?: string | Buffer | null;
  /** Objects are sent as JSON; strings and Buffers as they are; null is a tombstone. */
  value: OutgoingValue;
  headers?: Record<string, string | Buffer>;
  /** Only to pin a partition explicitly; normally the key decides. */
  partition?: number;
}

/** Where a send wrote to: one entry per partition, with the offset of the first message written there. */
export interface ProducedOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface EventProducer {
  /** Resolves once every message is acknowledged by all in-sync replicas; messages of one key keep their order. */
  send(messages: readonly OutgoingMessage[]): Promise<ProducedOffset[]>;
  /** Waits for sends in flight, then disconnects. Idempotent. */
  close(): Promise<void>;
}

export interface EventProducerOptions {
  bootstrapServers: string | readonly string[];
  clientId: string;
  logger: Logger;
}

type RawProducer = Producer<Buffer, Buffer, string, Buffer>;

/**
 * An idempotent producer (acks=all): a retried send after a lost acknowledgement is not written
 * twice, and per-partition order survives retries.
 */
export function createProducer(options: EventProducerOptions): EventProducer {
  const logger = options.logger.child({ component: 'kafka-producer', clientId: options.clientId });
  const producer: RawProducer = new Producer({
    clientId: options.clientId,
    bootstrapBrokers: brokerList(options.bootstrapServers),
    idempotent: true,
    acks: ProduceAcks.ALL,
    // Java's partitioner: Kafka Connect, Debezium and the Java tools put a key on the same
    // partition as we do. The library's default differs for keys whose hash is negative.
    partitioner: compatibilityPartitioner,
    // Header names are strings; keys, values and header values are already bytes (see codec.ts).
    serializers: { headerKey: stringSerializer },
  });
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | null = null;

  async function send(messages: readonly OutgoingMessage[]): Promise<ProducedOffset[]> {
    if (closing) throw new Error(`kafka producer ${options.clientId} is closed`);
    if (messages.length === 0) return [];
    const sending = producer.send({ messages: messages.map(toRecord) });
    inFlight.add(sending);
    try {
      const result = await sending;
      return result.offsets ?? [];
    } finally {
      inFlight.delete(sending);
    }
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      await Promise.allSettled([...inFlight]);
      await producer.close();
      logger.debug('kafka producer closed');
    })();
    return closing;
  }

  return { send, close };
}

function toRecord(message: OutgoingMessage) {
  return {
    topic: message.topic,
    key: encodeKey(message.key),
    value: encodeValue(message.value),
    headers: encodeHeaders(message.headers),
    ...(message.partition === undefined ? {} : { partition: message.partition }),
  };
}
