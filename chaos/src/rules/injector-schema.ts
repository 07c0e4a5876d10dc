// The injector union: every fault the package can inject, keyed by `kind`, and which fault points
// each kind makes sense at (a partial batch at an HTTP route is a configuration mistake, not a no-op).
import { z } from 'zod';
import { clockSkewSchema } from '../faults/clock-skew.js';
import { connectionResetSchema } from '../faults/connection-reset.js';
import { crashSchema } from '../faults/crash.js';
import { dynamodbErrorSchema } from '../faults/dynamodb-error.js';
import { hangSchema } from '../faults/hang.js';
import { httpErrorSchema } from '../faults/http-error.js';
import { latencySchema } from '../faults/latency.js';
import { partialBatchSchema } from '../faults/partial-batch.js';
import { partialFailureSchema } from '../faults/partial-failure.js';
import { pauseSchema } from '../faults/pause.js';
import { throttleSchema } from '../faults/throttle.js';
import { timeoutSchema } from '../faults/timeout.js';

/** The fault points: the DynamoDB client, incoming HTTP, outgoing (webhook) HTTP, worker loops. */
export const CHAOS_POINTS = ['dynamodb', 'http_in', 'http_out', 'worker'] as const;

/** One of {@link CHAOS_POINTS}. */
export type ChaosPoint = (typeof CHAOS_POINTS)[number];

/** Any injector, discriminated by `kind`. */
export const injectorSchema = z.discriminatedUnion('kind', [
  latencySchema,
  dynamodbErrorSchema,
  partialBatchSchema,
  throttleSchema,
  timeoutSchema,
  partialFailureSchema,
  httpErrorSchema,
  connectionResetSchema,
  pauseSchema,
  hangSchema,
  crashSchema,
  clockSkewSchema,
]);

/** A validated injector. */
export type Injector = z.infer<typeof injectorSchema>;

/** An injector's `kind`. */
export type InjectorKind = Injector['kind'];

/** Which injector kinds each point can apply. */
export const KINDS_BY_POINT: Readonly<Record<ChaosPoint, readonly InjectorKind[]>> = {
  dynamodb: ['latency', 'dynamodb_error', 'partial_batch', 'throttle', 'timeout', 'partial_failure'],
  http_in: ['latency', 'http_error', 'throttle', 'timeout', 'partial_failure', 'connection_reset'],
  http_out: ['latency', 'http_error', 'throttle', 'timeout', 'partial_failure', 'connection_reset'],
  worker: ['pause', 'hang', 'crash', 'clock_skew'],
};

/** Why `kind` cannot be injected at `point` (one line naming the kinds it can), or undefined when it can. */
export function injectorProblem(point: ChaosPoint, kind: InjectorKind): string | undefined {
  const allowed = KINDS_BY_POINT[point];
  return allowed.includes(kind) ? undefined : `${kind} cannot be injected at ${point} (allowed: ${allowed.join(', ')})`;
}
