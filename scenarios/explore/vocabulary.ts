// The fault vocabulary exploration draws from: the same fault kinds scenarios write (chaos rules at
// the DynamoDB and worker fault points, the runner's receiver faults, a kill -9 and restart of a
// service the runner started, toxics on its receiver link), with worker crashes and pauses at every
// named step of the worker loops.
import fc from 'fast-check';
import type { ChaosFault, ProxyFault, ReceiverFault } from '../scenario/fault-schema.js';

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

/**
 * One fault of a schedule, as a scenario's method step writes it (times in ms from the fault phase's
 * start). A `kill` is the service's process killed -9 at `at` and started again `for` ms later.
 */
export interface ExploreFault {
  at: number;
  for: number;
  fault: { chaos: ChaosFault } | { receiver: ReceiverFault } | { proxy: ProxyFault } | { kill: 'server' };
}

/** A short name for the explored-faults summary, e.g. `worker crash @ delivery/send`. */
export function faultName(f: ExploreFault['fault']): string {
  if ('receiver' in f) {
    const r = f.receiver;
    return r.status !== undefined ? `receiver status ${r.status}` : r.reset ? 'receiver reset' : r.hang ? 'receiver hang' : 'receiver delay';
  }
  if ('kill' in f) return `process kill -9 ${f.kill} and restart`;
  if ('proxy' in f) return `proxy ${f.proxy.link} ${f.proxy.down ? 'down' : f.proxy.toxic!.type}`;
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

const kill = fc.constant({ kill: 'server' as const });
// Toxics on the service ↔ receiver link: connections reset, answers cut short, latency, the link down.
const receiverLink = fc.oneof(
  fc.constant({ proxy: { link: 'receiver', down: true } as ProxyFault }),
  fc.constant({ proxy: { link: 'receiver', toxic: { type: 'reset_peer', attributes: { timeout: 0 } } } as ProxyFault }),
  fc.integer({ min: 1, max: 40 }).map((bytes) => ({ proxy: { link: 'receiver', toxic: { type: 'limit_data', attributes: { bytes } } } as ProxyFault })),
  fc.integer({ min: 50, max: 800 }).map((latency) => ({ proxy: { link: 'receiver', toxic: { type: 'latency', attributes: { latency } } } as ProxyFault })),
);

/** The fault families exploration can be limited to (`--faults`). */
export const FAULT_FAMILIES = ['worker', 'dynamodb', 'receiver', 'process', 'proxy'] as const;

/** One of {@link FAULT_FAMILIES}. */
export type FaultFamily = (typeof FAULT_FAMILIES)[number];

/** The families the fresh in-process stacks take (no processes of their own, no proxy links). */
export const EMBEDDED_FAMILIES: readonly FaultFamily[] = ['worker', 'dynamodb', 'receiver'];

/**
 * The faults of each family. A service of the user's own draws worker pauses but no crashes (`crashes:
 * false`): a crash injection ends the service's process, which nothing would start again.
 */
function familyFaults(family: FaultFamily, crashes: boolean): fc.Arbitrary<ExploreFault['fault']>[] {
  switch (family) {
    case 'worker':
      return crashes ? [workerCrash, workerPause] : [workerPause];
    case 'dynamodb':
      return [dynamodbError, dynamodbLatency];
    case 'receiver':
      return [receiver];
    case 'process':
      return [kill];
    case 'proxy':
      return [receiverLink];
  }
}

/** A fault from `families` (default those of the embedded stacks), placed in a fault window of `windowMs`. */
export function faultArbitrary(windowMs: number, families: readonly FaultFamily[] = EMBEDDED_FAMILIES, crashes = true): fc.Arbitrary<ExploreFault> {
  const kind = fc.oneof(...families.flatMap((f) => familyFaults(f, crashes)));
  // A fault ends inside the window: its length is clipped to what is left after it starts.
  return fc
    .record({ at: fc.integer({ min: 0, max: Math.max(0, windowMs - 100) }), for: fc.integer({ min: 100, max: windowMs }), fault: kind })
    .map((f) => ({ ...f, for: Math.min(f.for, windowMs - f.at) }));
}
