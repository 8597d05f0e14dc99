/**
 * The operator account of the dev and test stacks (docs/product.md, "Identity and access"): the
 * customers service falls back to it only when MICROSHOP_PROFILE is `dev` or `test`; `npm start`
 * prints it, and the end-to-end tests sign in with it.
 */
export const devOperatorAccount = {
  email: 'operator@microshop.local',
  password: 'operator-dev-password',
} as const;
