import { defineService, runStandalone } from '@microshop/platform';
import { sandboxConfig, settingsOf } from './config.ts';
import { build } from './http/routes.ts';
import { openLedgerJournal } from './store/journal.ts';

// The one wiring place of the payment sandbox: HTTP only, its ledger read back from (and written to)
// DATA_DIR/ledger.jsonl. Run alone with `node services/payment-sandbox/src/main.ts` (the stack runner
// waits for GET /ready). Run ONE instance: a second one would not know the first one's idempotency
// keys and charges.

export const service = defineService({
  name: 'payment-sandbox',
  config: sandboxConfig,
  wire: ({ config, onStop }) => {
    const journal = openLedgerJournal(config.DATA_DIR);
    onStop('ledger', () => journal.close());
    return { http: (base) => build({ ...base, settings: settingsOf(config), journal }) };
  },
});

if (import.meta.main) await runStandalone(service);
