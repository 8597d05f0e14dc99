import { z } from 'zod';
import {
  type ChannelSpec,
  channelSpecs,
  type DeadLetterChannelSpec,
  deadLetterChannelSpec,
  type MessageSpec,
} from './channels.ts';
import { deadLetterHeadersSchema, eventHeadersSchema } from './message-headers.ts';

// The AsyncAPI 3.0 document of every topic, generated from the contracts themselves: each message's
// payload and headers through zod's JSON Schema export, its key in the Kafka binding. Pure, so the
// gateway serves it and the compatibility check compares it with the committed snapshot.

export type JsonSchema = { [keyword: string]: unknown };
type Ref = { $ref: string };

export interface AsyncApiMessage {
  name: string;
  title: string;
  summary: string;
  contentType: string;
  headers: JsonSchema;
  payload: JsonSchema;
  bindings: { kafka: { key: JsonSchema; bindingVersion: string } };
}

export interface AsyncApiChannel {
  address: string;
  description: string;
  parameters?: Record<string, { enum: string[]; description: string }>;
  messages: Record<string, Ref>;
  bindings: { kafka: { topicConfiguration: { 'cleanup.policy': string[] }; bindingVersion: string } };
}

export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: { title: string; version: string; description: string };
  defaultContentType: string;
  servers: Record<string, { host: string; protocol: string; description: string }>;
  channels: Record<string, AsyncApiChannel>;
  operations: Record<string, { action: 'send'; channel: Ref; messages: Ref[] }>;
  components: { messages: Record<string, AsyncApiMessage> };
}

export interface Channels {
  events: Readonly<Record<string, ChannelSpec>>;
  deadLetter: DeadLetterChannelSpec;
}

const kafkaBindingVersion = '0.5.0';

const info: AsyncApiDocument['info'] = {
  title: 'microshop events',
  version: '0.1.0',
  description:
    'Every Kafka topic of microshop, its key, headers and messages. Values are JSON envelopes written ' +
    'through transactional outboxes and published by Debezium; keys are plain id strings.',
};

const servers: AsyncApiDocument['servers'] = {
  local: {
    host: '127.0.0.1:19092',
    protocol: 'kafka',
    description: "The local stack's broker (KAFKA_BOOTSTRAP_SERVERS overrides it)",
  },
};

/** The document for `channels`; by default every channel of microshop. */
export function asyncApiDocument(
  channels: Channels = { events: channelSpecs, deadLetter: deadLetterChannelSpec },
): AsyncApiDocument {
  const document: AsyncApiDocument = {
    asyncapi: '3.0.0',
    info,
    defaultContentType: 'application/json',
    servers,
    channels: {},
    operations: {},
    components: { messages: {} },
  };
  for (const [id, spec] of Object.entries(channels.events)) {
    const messages = Object.entries(spec.messages).map(([name, m]) => eventMessage(name, m, spec.key));
    addChannel(document, id, spec, Object.fromEntries(messages));
  }
  addChannel(document, 'deadLetter', channels.deadLetter, {
    DeadLetter: deadLetterMessage(channels.deadLetter),
  });
  return document;
}

/** The channel, its messages (in components, referenced from the channel) and its send operation. */
function addChannel(
  document: AsyncApiDocument,
  id: string,
  spec: Omit<ChannelSpec, 'messages'>,
  messages: Readonly<Record<string, AsyncApiMessage>>,
): void {
  const names = Object.keys(messages);
  document.channels[id] = {
    address: spec.address,
    description: spec.description,
    ...(spec.parameters === undefined ? {} : { parameters: parametersOf(spec.parameters) }),
    messages: Object.fromEntries(names.map((name) => [name, { $ref: `#/components/messages/${name}` }])),
    bindings: {
      kafka: {
        topicConfiguration: { 'cleanup.policy': [spec.compacted ? 'compact' : 'delete'] },
        bindingVersion: kafkaBindingVersion,
      },
    },
  };
  Object.assign(document.components.messages, messages);
  document.operations[`publish.${id}`] = {
    action: 'send',
    channel: { $ref: `#/channels/${id}` },
    messages: names.map((name) => ({ $ref: `#/channels/${id}/messages/${name}` })),
  };
}

function parametersOf(
  parameters: NonNullable<ChannelSpec['parameters']>,
): NonNullable<AsyncApiChannel['parameters']> {
  return Object.fromEntries(
    Object.entries(parameters).map(([name, p]) => [
      name,
      { enum: [...p.values], description: p.description },
    ]),
  );
}

/** Keyed by `name`, the message's TypeScript type; the AsyncAPI `name` is the envelope's `type`. */
function eventMessage(name: string, spec: MessageSpec, key: z.ZodType): [string, AsyncApiMessage] {
  const payload = jsonSchema(spec.schema);
  const type = spec.schema.shape.type ?? z.string();
  const message: AsyncApiMessage = {
    name: typeNameOf(payload) ?? name,
    title: name,
    summary: spec.summary,
    contentType: 'application/json',
    headers: jsonSchema(eventHeadersSchema(type)),
    payload,
    bindings: { kafka: { key: jsonSchema(key), bindingVersion: kafkaBindingVersion } },
  };
  return [name, message];
}

function deadLetterMessage(spec: DeadLetterChannelSpec): AsyncApiMessage {
  return {
    name: 'DeadLetter',
    title: 'DeadLetter',
    summary: 'A record some consumer group could not handle, parked unchanged',
    // The original value's bytes, which may not even be JSON (a reason to park it).
    contentType: 'application/octet-stream',
    headers: jsonSchema(deadLetterHeadersSchema),
    payload: { description: "The original record's value, unchanged" },
    bindings: { kafka: { key: jsonSchema(spec.key), bindingVersion: kafkaBindingVersion } },
  };
}

/** `OrderCreated` from `{ type: { const: 'OrderCreated' } }`; undefined when several types share one schema. */
function typeNameOf(payload: JsonSchema): string | undefined {
  const properties = payload.properties as Record<string, JsonSchema> | undefined;
  const type = properties?.type?.const;
  return typeof type === 'string' ? type : undefined;
}

/**
 * What a consumer accepts (`io: 'input'`): the readers are tolerant, so an object's unknown fields are
 * allowed rather than `additionalProperties: false`. Draft-07 is the dialect AsyncAPI schemas extend.
 */
export function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-07', io: 'input' });
  return rest;
}
