// DynamoDB traffic through the proxy: an AWS SDK v3 client talks to in-memory dynalite via the proxy
// while reset_peer and latency toxics come and go. The SDK retries; every put it reports as accepted
// is readable afterwards.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { proxied } from './support/proxied.js';

// dynalite ships no types; this is the one call the test needs.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: Record<string, number>) => Server;

let h: Harness;
let db: Server;
let direct: string;

const client = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 8,
  });

beforeEach(async () => {
  h = await startHarness(21);
  db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', resolve));
  direct = `127.0.0.1:${(db.address() as AddressInfo).port}`;
  await client(`http://${direct}`).send(
    new CreateTableCommand({
      TableName: 'events',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});
afterEach(async () => {
  await h.server.close();
  await new Promise<void>((resolve) => db.close(() => resolve()));
});

it('keeps every accepted put while reset_peer and latency hit the DynamoDB link', async () => {
  const listen = await proxied(h, 'dynamodb', direct);
  const viaProxy = client(`http://${listen}`);
  const phases = [
    [{ name: 'reset', type: 'reset_peer', attributes: { timeout: 0 } }],
    [],
    [{ name: 'lag', type: 'latency', attributes: { latency: 40, jitter: 20 } }],
    [
      { name: 'reset', type: 'reset_peer', stream: 'upstream', toxicity: 0.5, attributes: { timeout: 5 } },
      { name: 'lag', type: 'latency', attributes: { latency: 20 } },
    ],
    [],
  ];
  // The fault schedule: each phase's toxics hold this long before the next phase replaces them.
  const PHASE_MS = 120;
  let ingesting = true;
  const chaos = (async () => {
    const deadline = Date.now() + 20_000;
    for (let i = 0; ingesting && Date.now() < deadline; i++) {
      await h.call('POST', '/reset');
      for (const toxic of phases[i % phases.length]!) await h.call('POST', '/proxies/dynamodb/toxics', toxic);
      await new Promise((resolve) => setTimeout(resolve, PHASE_MS));
    }
    await h.call('POST', '/reset');
  })();

  const accepted: string[] = [];
  const failed: string[] = [];
  let attempts = 0;
  const ids = Array.from({ length: 40 }, (_, i) => `evt-${i}`);
  const worker = async () => {
    for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
      try {
        const out = await viaProxy.send(
          new PutItemCommand({ TableName: 'events', Item: { id: { S: id }, body: { S: `payload of ${id}` } } }),
        );
        attempts += out.$metadata.attempts ?? 1;
        accepted.push(id);
      } catch {
        failed.push(id);
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  ingesting = false;
  await chaos;

  const reader = client(`http://${direct}`);
  const missing: string[] = [];
  for (const id of accepted) {
    const got = await reader.send(new GetItemCommand({ TableName: 'events', Key: { id: { S: id } }, ConsistentRead: true }));
    if (got.Item?.body?.S !== `payload of ${id}`) missing.push(id);
  }
  expect(missing).toEqual([]);
  expect(accepted.length).toBeGreaterThanOrEqual(36);
  // The faults really happened: the SDK had to retry some puts.
  expect(attempts).toBeGreaterThan(accepted.length);
  viaProxy.destroy();
  reader.destroy();
});
