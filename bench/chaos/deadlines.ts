// The deadlines of `npm start` (the services' defaults) for the services whose test-stack settings are
// seconds long so they can be tested quickly: the watchdog's, and how long payments keeps a card token
// for an order it has not heard of yet (at least the CREATED deadline). The chaos runs use these: a
// deadline shorter than a JVM's restart fails orders by design, which is not what they measure.

/** Environment variables by service. */
export type ServiceSettings = Record<string, Record<string, string>>;

export const settingsOfNpmStart: ServiceSettings = {
  'order-background': {
    WATCHDOG_CREATED_DEADLINE_MS: '60000',
    WATCHDOG_VALIDATED_DEADLINE_MS: '120000',
    WATCHDOG_APPROVED_DEADLINE_MS: '600000',
    WATCHDOG_SHIPPED_DEADLINE_MS: '86400000',
  },
  payments: { PAYMENT_METHOD_GRACE_MS: '3600000' },
};

/** The same as one environment (each variable is read by one service only). */
export const envOfNpmStart: Record<string, string> = Object.assign({}, ...Object.values(settingsOfNpmStart));
