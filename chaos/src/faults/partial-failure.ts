// Partial failure injector: the call fails either before reaching the dependency, or after it did its
// work with the answer lost on the way back, which is what makes retries and idempotency matter.
import { z } from 'zod';
import type { Random } from '../random/seeded-random.js';
import { DYNAMODB_ERROR_NAMES } from './dynamodb-error.js';

/**
 * Settings: `phase` `before` (nothing happened), `after` (the work happened, the caller sees a failure)
 * or `either` (drawn per injection, half each); the DynamoDB error or HTTP status the caller sees.
 */
export const partialFailureSchema = z.strictObject({
  kind: z.literal('partial_failure'),
  phase: z.enum(['before', 'after', 'either']).default('either'),
  error: z.enum(DYNAMODB_ERROR_NAMES).default('InternalServerError'),
  status: z.number().int().min(400).max(599).default(500),
});

/** A validated partial failure injector. */
export type PartialFailureInjector = z.infer<typeof partialFailureSchema>;

/** Resolves `either` with one draw (always one, so replays stay aligned). */
export function failurePhase(injector: PartialFailureInjector, random: Random): 'before' | 'after' {
  const roll = random.next();
  if (injector.phase !== 'either') return injector.phase;
  return roll < 0.5 ? 'before' : 'after';
}
