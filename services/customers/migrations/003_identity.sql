-- Sign-in (schema customers): the accounts that sign in, the refresh tokens they hold, and the keys
-- access tokens are signed with. Registering makes the customer and its account in one transaction.

-- An email is not an identity: registering an email that already has an account makes a separate
-- customer with its own account (reachable only with its own password), so a registration never
-- tells whether an email is known. Lookups by email stay indexed.
DROP INDEX customers_email_unique;
CREATE INDEX customers_email ON customers (lower(email));

-- One row per account. Its id is the subject of its tokens: a customer's account has the customer's
-- id; an operator's account has an id of its own and no customer.
CREATE TABLE accounts (
  id uuid PRIMARY KEY,
  role text NOT NULL CHECK (role IN ('customer', 'operator')),
  email text NOT NULL,
  -- scrypt$<log2 N>$<r>$<p>$<salt>$<hash> (src/handlers/passwords.ts); never the password itself.
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- Sign-in tries the newest accounts of an email (operators first): an index in that order.
CREATE INDEX accounts_email ON accounts (lower(email), (role = 'operator') DESC, created_at DESC);
-- The operator account the environment names is created or updated at start, once per email.
CREATE UNIQUE INDEX accounts_one_operator_per_email ON accounts (lower(email)) WHERE role = 'operator';

-- Refresh tokens are opaque random strings; only their SHA-256 is kept. Each refresh rotates the
-- token (the old one is marked rotated, a new one of the same family issued); a rotated token shown
-- again means it was copied, so the whole family is revoked.
CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,
  family_id uuid NOT NULL,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  issued_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  rotated_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_account ON refresh_tokens (account_id);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);

-- ES256 key pairs the service generates itself. The newest signs; the JWKS publishes the newest two
-- (current and previous), so tokens signed just before a rotation keep verifying until they expire.
CREATE TABLE signing_keys (
  kid text PRIMARY KEY,
  private_jwk jsonb NOT NULL,
  public_jwk jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX signing_keys_newest ON signing_keys (created_at DESC);
