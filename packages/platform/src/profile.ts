import { z } from 'zod';
import { commaList } from './config.ts';

/**
 * Where a service runs, from `MICROSHOP_PROFILE`: `dev` (npm start) or `test` (npm test), both set
 * by the stack runner, and `production` when unset. A secret may fall back to a local value in dev
 * and test only: a production process refuses to start without the real one.
 */
export const profiles = ['dev', 'test', 'production'] as const;
export type Profile = (typeof profiles)[number];

export const envProfile = z
  .enum(profiles, { error: `must be one of ${profiles.join(', ')} (unset means production)` })
  .default('production');

/** dev or test: a machine of the developer's own, where local stand-ins for secrets are allowed. */
export function isLocalProfile(profile: Profile): boolean {
  return profile !== 'production';
}

/**
 * A comma-separated list of secrets, each at least `minLength` long: the first is the current one,
 * the others are still accepted while a rotation is under way (`new,old`).
 */
export function envSecretList(minLength = 16) {
  return z
    .string()
    .transform(commaList)
    .refine((secrets) => secrets.every((secret) => secret.length >= minLength), {
      message: `every secret must be at least ${minLength} characters`,
    });
}
