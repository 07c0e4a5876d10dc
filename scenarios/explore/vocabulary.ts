// The fault vocabulary exploration draws from: the same fault kinds scenarios write (chaos rules at
// the DynamoDB, outgoing-HTTP and worker fault points, and the runner's receiver faults), with
// worker crashes and pauses at every named step of the worker loops.
import fc from 'fast-check';
import type { ChaosFault, ReceiverFault } from '../scenario/fault-schema.js';

/**
 * Every named worker step the reference server's loops pass to the `worker` fault point: a crash
 * at any of them must lose nothing (leases expire, the work is picked up again).
 */
export const WORKER_STEPS = [
  { loop: 'fanout', step: 'batch' },
  { loop: 'fanout', step: 'before_ack' },
  { loop: 'delivery', step: 'send' },
  { loop: 'delivery', step: 'settle' },
  { loop: 'analytics', step: 'open' },
  { loop: 'analytics', step: 'apply' },
  { loop: 'analytics', step: 'mark' },
  { loop: 'analytics', step: 'ack' },
  { loop: 'analytics', step: 'close' },
] as const;

/** DynamoDB operations the server calls on its hot paths. */
const DYNAMODB_OPERATIONS = ['PutItem', 'UpdateItem', 'Query', 'GetItem', 'BatchWriteItem', 'DeleteItem'] as const;
const DYNAMODB_ERRORS = ['ThrottlingException', 'ProvisionedThroughputExceededException', 'InternalServerError'] as const;

/** One fault of a schedule, as a scenario's method step writes it (times in ms from the fault phase's start). */
export interface ExploreFault {
  at: number;
  for: number;
  fault: { chaos: ChaosFault } | { receiver: ReceiverFault };
}

/** A short name for the explored-faults summary, e.g. `worker crash @ delivery/send`. */
export function faultName(f: ExploreFault['fault']): string {
  if ('receiver' in f) {
    const r = f.receiver;
    return r.status !== undefined ? `receiver status ${r.status}` : r.reset ? 'receiver reset' : r.hang ? 'receiver hang' : 'receiver delay';
  }
  const { point, injector, match } = f.chaos;
  const where = point === 'worker' ? ` @ ${String(match?.loop)}/${String(match?.step)}` : point === 'dynamodb' ? ` @ ${String(match?.operation ?? 'any')}` : '';
  const what = injector.kind === 'dynamodb_error' ? injector.error : injector.kind;
  return `${point} ${what}${where}`;
}

// Strength: 0.25 to 1 in quarters, so shrinking moves towards "always" (the simplest to read).
const probability = fc.constantFrom(1, 0.5, 0.25);

const workerCrash = fc.record({ step: fc.constantFrom(...WORKER_STEPS), probability }).map(
  ({ step, probability }) => ({ chaos: { point: 'worker', match: { ...step }, injector: { kind: 'crash', exit_code: 137 }, probability } as ChaosFault }),
);
const workerPause = fc.record({ step: fc.constantFrom(...WORKER_STEPS), ms: fc.integer({ min: 50, max: 1500 }), probability }).map(
  ({ step, ms, probability }) => ({ chaos: { point: 'worker', match: { ...step }, injector: { kind: 'pause', ms }, probability } as ChaosFault }),
);
const dynamodbError = fc.record({ operation: fc.constantFrom(...DYNAMODB_OPERATIONS), error: fc.constantFrom(...DYNAMODB_ERRORS), probability }).map(
  ({ operation, error, probability }) => ({ chaos: { point: 'dynamodb', match: { operation }, injector: { kind: 'dynamodb_error', error }, probability } as ChaosFault }),
);
const dynamodbLatency = fc.record({ operation: fc.constantFrom(...DYNAMODB_OPERATIONS), ms: fc.integer({ min: 10, max: 400 }), probability }).map(
  ({ operation, ms, probability }) => ({ chaos: { point: 'dynamodb', match: { operation }, injector: { kind: 'latency', ms }, probability } as ChaosFault }),
);
const receiver = fc.oneof(
  fc.constantFrom(503, 500, 429).map((status) => ({ receiver: { status } as ReceiverFault })),
  fc.integer({ min: 50, max: 800 }).map((delay) => ({ receiver: { delay } as ReceiverFault })),
  fc.constant({ receiver: { reset: true } as ReceiverFault }),
);

/** The fault families exploration can be limited to (`--faults`). */
export const FAULT_FAMILIES = ['worker', 'dynamodb', 'receiver'] as const;

/** One of {@link FAULT_FAMILIES}. */
export type FaultFamily = (typeof FAULT_FAMILIES)[number];

const FAMILIES: Record<FaultFamily, fc.Arbitrary<ExploreFault['fault']>[]> = {
  worker: [workerCrash, workerPause],
  dynamodb: [dynamodbError, dynamodbLatency],
  receiver: [receiver],
};

/** A fault from `families` (default all), placed in a fault window of `windowMs`. */
export function faultArbitrary(windowMs: number, families: readonly FaultFamily[] = FAULT_FAMILIES): fc.Arbitrary<ExploreFault> {
  const kind = fc.oneof(...families.flatMap((f) => FAMILIES[f]));
  // A fault ends inside the window: its length is clipped to what is left after it starts.
  return fc
    .record({ at: fc.integer({ min: 0, max: Math.max(0, windowMs - 100) }), for: fc.integer({ min: 100, max: windowMs }), fault: kind })
    .map((f) => ({ ...f, for: Math.min(f.for, windowMs - f.at) }));
}
