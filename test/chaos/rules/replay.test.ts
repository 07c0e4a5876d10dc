// Replays: the same seed and the same calls give the same injection log, entry for entry, also
// through the real DynamoDB fault point; a different seed gives a different log.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addChaosMiddleware } from '../../../chaos/src/points/dynamodb-point.js';
import { ChaosEngine } from '../../../chaos/src/rules/chaos-engine.js';
import type { Injection } from '../../../chaos/src/rules/injection-log.js';
import type { RuleInput } from '../../../chaos/src/rules/rule-schema.js';
import { manualClock } from '../support/manual-clock.js';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo.js';

const rules: RuleInput[] = [
  { id: 'slow', point: 'dynamodb', probability: 0.3, injector: { kind: 'latency', min_ms: 0, max_ms: 5 } },
  { id: 'fail', point: 'dynamodb', probability: 0.2, match: { operation: 'PutItem' }, injector: { kind: 'partial_failure', phase: 'either' } },
  { id: 'batch', point: 'dynamodb', probability: 0.5, injector: { kind: 'partial_batch', fraction: 0.3 } },
  { id: 'skew', point: 'worker', probability: 0.1, injector: { kind: 'clock_skew', offset_ms: 5000 } },
];

const comparable = (log: Injection[]) => log.map(({ seq, rule, point, kind, detail }) => ({ seq, rule, point, kind, detail }));

function run(seed: string | number): Injection[] {
  const engine = new ChaosEngine({ enabled: true, seed, clock: manualClock(), rules });
  const operations = ['PutItem', 'GetItem', 'BatchWriteItem', 'Query'];
  for (let i = 0; i < 400; i++) {
    engine.decide('dynamodb', { operation: operations[i % operations.length], table: 'events' });
    engine.decide('worker', { loop: 'delivery' });
  }
  return engine.log.entries();
}

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable('replay');
});
afterAll(async () => {
  await dynamo.close();
});

it('produces the same injection log from the same seed', () => {
  const first = run('seed-1');
  expect(first.length).toBeGreaterThan(50);
  expect(comparable(run('seed-1'))).toEqual(comparable(first));
});

it('produces a different injection log from a different seed', () => {
  expect(comparable(run('seed-2'))).not.toEqual(comparable(run('seed-1')));
});

it('replays the same injections through the SDK against dynalite', async () => {
  const once = async (seed: number) => {
    const engine = new ChaosEngine({
      enabled: true,
      seed,
      rules: [{ id: 'flaky', point: 'dynamodb', probability: 0.4, injector: { kind: 'dynamodb_error', error: 'InternalServerError' } }],
    });
    const client = dynamo.client({ maxAttempts: 1 });
    addChaosMiddleware(client, engine);
    const outcomes: string[] = [];
    for (let i = 0; i < 25; i++) {
      outcomes.push(await client.send(new PutItemCommand({ TableName: 'replay', Item: { pk: { S: `k${i}` } } })).then(() => 'ok', (e: Error) => e.name));
    }
    return { outcomes, log: comparable(engine.log.entries()) };
  };
  const a = await once(99);
  const b = await once(99);
  expect(b).toEqual(a);
  expect(a.outcomes).toContain('InternalServerError');
  expect(a.outcomes).toContain('ok');
  expect((await once(100)).outcomes).not.toEqual(a.outcomes);
});

it('keeps one rule\'s decisions independent of other rules being added', () => {
  const alone = new ChaosEngine({ enabled: true, seed: 5, rules: [{ id: 'w', point: 'worker', probability: 0.5, injector: { kind: 'pause', ms: 1 } }] });
  const crowded = new ChaosEngine({
    enabled: true,
    seed: 5,
    rules: [
      { id: 'db', point: 'dynamodb', probability: 0.5, injector: { kind: 'latency', ms: 1 } },
      { id: 'w', point: 'worker', probability: 0.5, injector: { kind: 'pause', ms: 1 } },
    ],
  });
  const decisions = (engine: ChaosEngine) =>
    Array.from({ length: 100 }, () => {
      engine.decide('dynamodb', { operation: 'PutItem' });
      return engine.decide('worker', {}) !== null;
    });
  expect(decisions(crowded)).toEqual(decisions(alone));
});
