import { type TopicName, topics } from '@microshop/contracts';
import { commonConfig, envInteger, envPort, envTopic, serviceInstanceConfig } from '@microshop/platform';
import { devOperatorAccount } from '@microshop/platform/pure';
import { z } from 'zod';

/**
 * The environment of the customers service, read once by main.ts. The service only produces (through
 * its outbox), so it needs no Kafka connection; the topic name is overridable for tests. It is also
 * microshop's identity: accounts, passwords, refresh tokens and the keys that sign access tokens.
 */

/** The dev and test stacks may fall back to the well-known operator account; nothing else may. */
export const devProfiles = ['dev', 'test'] as const;
export const devOperator = devOperatorAccount;

const identityConfig = {
  /** `dev` or `test` (the stack runner sets it); unset means production. */
  MICROSHOP_PROFILE: z.string().trim().optional(),
  MICROSHOP_OPERATOR_EMAIL: z.email().max(320).optional(),
  MICROSHOP_OPERATOR_PASSWORD: z.string().min(12).max(1024).optional(),
  /** The `iss` of the tokens this service signs. Services trusting another issuer (AUTH_ISSUER) send it there. */
  IDENTITY_ISSUER: z.string().trim().min(1).default('microshop'),
  AUTH_ACCESS_TOKEN_TTL_S: envInteger({ min: 30, max: 3600, default: 600 }),
  AUTH_REFRESH_TOKEN_TTL_HOURS: envInteger({ min: 1, max: 24 * 365, default: 30 * 24 }),
  /** A new signing key when the newest is this old; the previous one stays published. */
  AUTH_SIGNING_KEY_ROTATION_HOURS: envInteger({ min: 1, max: 24 * 365, default: 30 * 24 }),
  /** scrypt cost: N = 2^AUTH_SCRYPT_LOG2N (memory 128·N·r bytes: 32 MiB by default). */
  AUTH_SCRYPT_LOG2N: envInteger({ min: 10, max: 20, default: 15 }),
  AUTH_SCRYPT_R: envInteger({ min: 1, max: 32, default: 8 }),
  AUTH_SCRYPT_P: envInteger({ min: 1, max: 16, default: 1 }),
  /** Sign-in and registration try this many accounts of an email, newest first; always as much work. */
  AUTH_ACCOUNTS_PER_EMAIL: envInteger({ min: 1, max: 20, default: 5 }),
};

export const customersConfig = z
  .object({
    ...commonConfig,
    ...serviceInstanceConfig({ instance: 'customers', schema: 'customers' }),
    ...identityConfig,
    HTTP_PORT: envPort(8102),
    CUSTOMERS_TOPIC: envTopic(topics.customers),
  })
  .superRefine((config, context) => {
    if (isDevProfile(config.MICROSHOP_PROFILE)) return;
    for (const variable of ['MICROSHOP_OPERATOR_EMAIL', 'MICROSHOP_OPERATOR_PASSWORD'] as const) {
      if (config[variable] !== undefined) continue;
      context.addIssue({
        code: 'custom',
        path: [variable],
        message: 'is required outside the dev and test profiles (MICROSHOP_PROFILE)',
      });
    }
  });
export type CustomersConfig = z.output<typeof customersConfig>;

function isDevProfile(profile: string | undefined): boolean {
  return (devProfiles as readonly (string | undefined)[]).includes(profile);
}

/** The operator account to create or update at start: the configured one, or the dev default. */
export function operatorAccountOf(config: CustomersConfig): { email: string; password: string } {
  return {
    email: config.MICROSHOP_OPERATOR_EMAIL ?? devOperator.email,
    password: config.MICROSHOP_OPERATOR_PASSWORD ?? devOperator.password,
  };
}

/** Only the catalog's topics exist on the stack's broker; another name is a test's own topic. */
export function customersTopicOf(config: CustomersConfig): TopicName {
  return config.CUSTOMERS_TOPIC as TopicName;
}
