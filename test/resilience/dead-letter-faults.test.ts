// Faults during dead-lettering and replay: DynamoDB errors, throttling and partial batches on the DLQ
// and delivery tables while deliveries run out of attempts, and again while they are replayed. Once
// the faults clear, every delivery whose status is `dead` has a DLQ entry, every DLQ entry is a dead
// delivery, and every replay ends delivered or back in the DLQ.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChaosEngine } from '../../chaos/src/index.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';
import { seededEngine } from './support/chaos-run.js';

let api: TestApi;
let receiver: Receiver;
let engine: ChaosEngine;
beforeAll(async () => {
  engine = seededEngine('faults during dead-lettering and replay');
  api = await startTestApi(
    { RATE_LIMIT_ENABLED: 'false', DYNAMODB_MAX_ATTEMPTS: '2', WORKER_POLL_MS: '50', WEBHOOK_TIMEOUT_MS: '500', WEBHOOK_VISIBILITY_TIMEOUT_MS: '1000', WEBHOOK_RETRY_SCHEDULE: '50,50', WEBHOOK_RETRY_JITTER: '0', WEBHOOK_SWEEP_MS: '500', WEBHOOK_DISABLE_AFTER: '1000' },
    { chaos: { engine } },
  );
  receiver = await startReceiver();
});
afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

/** Faults on both tables (`[deliveries, dlq]`) for `ms`: errors, throttling and partial batches. */
function faults(tables: string[], ms: number, tag: string) {
  const match = { table: tables };
  engine.upsertRules([
    // The DLQ table is hit hardest: a lost DLQ write is what would leave a dead delivery unlisted.
    { id: `${tag}-dlq-error`, point: 'dynamodb', match: { table: tables[1]!, operation: 'PutItem' }, injector: { kind: 'dynamodb_error', error: 'InternalServerError' }, probability: 0.8, duration: ms },
    { id: `${tag}-error`, point: 'dynamodb', match, injector: { kind: 'dynamodb_error', error: 'InternalServerError' }, probability: 0.15, duration: ms },
    { id: `${tag}-throttle`, point: 'dynamodb', match, injector: { kind: 'dynamodb_error', error: 'ThrottlingException' }, probability: 0.15, duration: ms },
    { id: `${tag}-partial`, point: 'dynamodb', match, injector: { kind: 'partial_batch', fraction: 0.5 }, probability: 0.3, duration: ms },
  ]);
}

/** Status of every delivery, and the delivery ids in the DLQ, read from the base tables. */
async function state(prefix: string) {
  const scan = async (TableName: string) => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await api.dynamo.doc.send(new ScanCommand({ TableName, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };
  const deliveries = new Map((await scan(`${prefix}webhook-delivery`)).filter((d) => d.event_id).map((d) => [d.delivery_id as string, d.status as string]));
  const dlq = new Set((await scan(`${prefix}webhook-dlq`)).map((e) => e.delivery_id as string));
  return { deliveries, dlq };
}

/** Injections logged for rules whose id starts with `prefix`. */
const hits = (prefix: string) => engine.log.entries().filter((e) => e.rule.startsWith(prefix)).length;

/** Deliveries whose status and DLQ entry disagree, and DLQ entries of deliveries that are not dead. */
const inconsistent = (s: Awaited<ReturnType<typeof state>>) => [
  ...[...s.deliveries].filter(([id, status]) => (status === 'dead') !== s.dlq.has(id)).map(([id, status]) => `${id}: ${status}`),
  ...[...s.dlq].filter((id) => s.deliveries.get(id) !== 'dead').map((id) => `${id}: in the DLQ as ${s.deliveries.get(id) ?? 'missing'}`),
];

const consistent = (s: Awaited<ReturnType<typeof state>>) => inconsistent(s).length === 0;

/** How many of each status. */
const tally = (statuses: Iterable<string>) => {
  const out = new Map<string, number>();
  for (const st of statuses) out.set(st, (out.get(st) ?? 0) + 1);
  return Object.fromEntries(out);
};

it('every dead delivery has a DLQ entry, and every replay delivers or returns to the DLQ', { timeout: 60_000 }, async () => {
  const prefix = api.config.TABLE_PREFIX;
  const tables = [`${prefix}webhook-delivery`, `${prefix}webhook-dlq`];
  const key = (await api.createKey()).api_key;
  await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } });
  receiver.respond(() => ({ status: 500 }));
  // The faults stay until the DLQ write has failed a few times, however slow the machine is, and
  // are then healed: a fixed window could close before any delivery ran out of attempts.
  faults(tables, 30_000, 'dying');
  const events = 20;
  for (let i = 0; i < events; i++) expect((await api.call('POST', '/v1/events', { key, body: { source: 'dlq', event_type: 'order.created', payload: { i } } })).status).toBe(201);
  await waitFor(() => hits('dying-dlq-error') >= 3, { timeoutMs: 25_000, message: 'DLQ writes failed under the faults' });
  engine.heal();
  const dead = await waitFor(
    async () => {
      const s = await state(prefix);
      return s.deliveries.size === events && [...s.deliveries.values()].every((st) => st === 'dead') && consistent(s) ? s : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 250, message: 'every delivery dead, each with a DLQ entry' },
  );

  // Replays under the same faults; half the receiver's answers succeed. A replay answered 5xx is
  // retried by the client until it is accepted or the entry is gone.
  receiver.respond((req) => ({ status: req.n % 2 === 0 ? 200 : 500 }));
  faults(tables, 30_000, 'replay');
  for (const id of dead.dlq) {
    await waitFor(async () => [202, 404].includes((await api.call('POST', `/v1/webhooks/dlq/${id}/replay`, { key })).status), { timeoutMs: 10_000, message: `replay of ${id} accepted` });
  }
  await waitFor(() => hits('replay') >= 3, { timeoutMs: 20_000, message: 'replays ran under the faults' });
  engine.heal();
  const end = await waitFor(
    async () => {
      const s = await state(prefix);
      if ([...s.deliveries.values()].every((st) => st === 'dead' || st === 'delivered') && consistent(s)) return s;
      // Not yet: say where it stands, so a timeout shows what was left (waitFor reports the last error).
      throw new Error(`statuses ${JSON.stringify(tally(s.deliveries.values()))}, ${s.dlq.size} in the DLQ, inconsistent: ${JSON.stringify(inconsistent(s))}`);
    },
    { timeoutMs: 25_000, intervalMs: 250, message: 'every replay delivered or back in the DLQ, consistently' },
  );
  expect([...end.deliveries.values()].filter((st) => st === 'delivered').length).toBeGreaterThan(0);
});
