// The package wired the way a host server wires it: request ids from AsyncLocalStorage, the Express
// and DynamoDB fault points, the control API and metrics on one registry, over real sockets and
// dynalite. Rules added through the API reach the SDK, its retries absorb them, and heal stops them.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import express from 'express';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ChaosEngine, addChaosMiddleware, chaosControlRouter, chaosExpressMiddleware } from '../../chaos/src/index.js';
import { listen, type Listening } from './support/listen.js';
import { startLocalDynamo, type LocalDynamo } from './support/local-dynamo.js';

const token = 'wiring-admin-token';
let dynamo: LocalDynamo;
let server: Listening;
let engine: ChaosEngine;
let registry: Registry;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable('wiring-items');
  const requests = new AsyncLocalStorage<{ requestId: string }>();
  registry = new Registry();
  engine = new ChaosEngine({ enabled: true, seed: 'wiring', registry });
  const client = dynamo.client({ maxAttempts: 3 });
  addChaosMiddleware(client, engine, { requestId: () => requests.getStore()?.requestId });
  const app = express();
  app.use((req, res, next) => {
    const requestId = req.get('x-request-id') ?? randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    requests.run({ requestId }, next);
  });
  app.use(chaosControlRouter({ engine, adminToken: token, nodeEnv: 'test' }));
  app.use(chaosExpressMiddleware(engine));
  app.post('/items/:id', async (req, res) => {
    await client.send(new PutItemCommand({ TableName: 'wiring-items', Item: { pk: { S: req.params.id } } }));
    res.status(201).json({ id: req.params.id });
  });
  server = await listen(app);
});

afterAll(async () => {
  await server.close();
  await dynamo.close();
});

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

it('absorbs DynamoDB errors added through the control API with SDK retries, tagging each with the request id', async () => {
  const put = await admin('PUT', '/_chaos/rules', {
    rules: [{ id: 'flaky-items', point: 'dynamodb', match: { table: 'wiring-items' }, injector: { kind: 'dynamodb_error', error: 'InternalServerError' }, max_count: 2 }],
  });
  expect(put.status).toBe(200);
  const res = await fetch(`${server.url}/items/a`, { method: 'POST', headers: { 'x-request-id': 'req-wiring-1' } });
  expect(res.status).toBe(201);
  expect(engine.log.entries().map((e) => [e.rule, e.request_id])).toEqual([
    ['flaky-items', 'req-wiring-1'],
    ['flaky-items', 'req-wiring-1'],
  ]);
  expect(await registry.metrics()).toContain('chaos_injections_total{point="dynamodb",injector="dynamodb_error",rule="flaky-items"} 2');
});

it('stops injecting everywhere after the kill switch', async () => {
  await admin('PUT', '/_chaos/rules', {
    rules: [
      { id: 'http-down', point: 'http_in', match: { route: '/items/:id' }, injector: { kind: 'http_error', status: 503 } },
      { id: 'db-down', point: 'dynamodb', injector: { kind: 'dynamodb_error', error: 'ServiceUnavailable' } },
    ],
  });
  expect((await fetch(`${server.url}/items/b`, { method: 'POST' })).status).toBe(503);
  expect(await (await admin('POST', '/_chaos/heal')).json()).toEqual({ healed: 2 });
  expect((await fetch(`${server.url}/items/b`, { method: 'POST' })).status).toBe(201);
  expect((await (await admin('GET', '/_chaos/rules')).json()) as { rules: unknown[] }).toMatchObject({ rules: [] });
});
