import { createPool, envDatabaseUrl, envSchemaName, loadConfig } from '@microshop/platform';
import { z } from 'zod';
import { rotateSigningKey } from './handlers/signing-keys.ts';

// Rotates the signing keys now (docs/security.md): `node services/customers/src/rotate-signing-key.ts`
// adds a key that signs from the next minute on; `--drop-previous` also deletes every older key, so
// tokens signed with a key suspected leaked stop verifying at once. Reads the service's DATABASE_URL
// and DATABASE_SCHEMA.

const config = loadConfig(
  z.object({ DATABASE_URL: envDatabaseUrl, DATABASE_SCHEMA: envSchemaName('customers') }),
);
const dropPrevious = process.argv.includes('--drop-previous');
const pool = createPool({
  connectionString: config.DATABASE_URL,
  schema: config.DATABASE_SCHEMA,
  applicationName: 'customers:rotate-signing-key',
});
try {
  await rotateSigningKey(pool, { dropPrevious });
  console.log(
    dropPrevious
      ? 'A new signing key is in use; every older key is deleted (their tokens no longer verify).'
      : 'A new signing key is in use; the previous one stays published until the next rotation.',
  );
} finally {
  await pool.end();
}
