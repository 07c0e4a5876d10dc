// The public entry point: a whole stack started from typed options, and server and worker processes
// that share one embedded store, survive a kill -9 of the server and report readiness over IPC.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, startEmbeddedStore, startServerProcess, startStack, startWorkerProcess } from '../../reference-server/src/index.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { waitFor } from '../support/wait-for.js';

const SECRETS_KEY = 'index-test-secrets-key-0123456789abcdef';
const ADMIN = 'adm_index_test_token_0123456789';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  cleanups.push(() => r.close());
  return r;
}

/** Calls the API with a bearer token and returns status and JSON body. */
async function call(base: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** A key, a webhook to `target` and one event; returns the key and the event id. */
async function eventTo(base: string, admin: string, target: string, payload: unknown) {
  const key = await call(base, admin, 'POST', '/v1/api-keys', { name: 'index' });
  expect(key.status).toBe(201);
  expect((await call(base, key.body.api_key!, 'POST', '/v1/webhooks', { url: target, events: ['*'] })).status).toBe(201);
  const event = await call(base, key.body.api_key!, 'POST', '/v1/events', { source: 'index', event_type: 'index.test', payload });
  expect(event.status).toBe(201);
  return { apiKey: key.body.api_key!, eventId: event.body.event_id! };
}

describe('startStack', () => {
  it('serves the API with the admin token it returns and delivers again after its workers restart', async () => {
    const r = await receiver();
    const stack = await startStack({ chaos: { enabled: true, seed: 7 }, config: { LOG_LEVEL: 'silent', WORKER_POLL_MS: 20 } });
    cleanups.push(() => stack.close());
    expect(stack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.engine?.seed).toBe(7);
    const { apiKey } = await eventTo(stack.url, stack.adminToken, r.url, { n: 1 });
    await waitFor(() => r.received.length === 1, { message: 'first delivery' });

    // The engine is the one behind the stack's fault points: its listener hears an injection on the API.
    const heard: string[] = [];
    stack.engine!.on('injection', (i) => heard.push(`${i.rule}@${i.point}`));
    stack.engine!.upsertRules([{ id: 'nudge', point: 'http_in', match: { route: '/v1/events' }, injector: { kind: 'latency', ms: 1 }, max_count: 1 }]);
    await stack.stopWorkers();
    await call(stack.url, apiKey, 'POST', '/v1/events', { source: 'index', event_type: 'index.test', payload: { n: 2 } });
    expect(heard).toEqual(['nudge@http_in']);
    stack.startWorkers();
    await waitFor(() => r.received.length === 2, { message: 'delivery after the workers restarted' });
  });
});

describe('startStack on a data folder', () => {
  it('holds the folder while it runs, made for it if need be: a second stack on it is refused, and one after the first closed starts', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'aftershock-stack-dir-'));
    cleanups.push(() => rm(parent, { recursive: true, force: true }));
    // A folder that does not exist yet is held all the same.
    const dataDir = join(parent, 'data');
    const first = await startStack({ dataDir, secretsKey: SECRETS_KEY, adminToken: ADMIN, roles: { workers: false } });
    const second = startStack({ dataDir, secretsKey: SECRETS_KEY, adminToken: ADMIN, roles: { workers: false } });
    await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(second).rejects.toThrow(`DATA_DIR ${dataDir} is in use by another running server`);
    expect((await call(first.url, ADMIN, 'GET', '/health/ready')).status).toBe(200);
    await first.close();
    const third = await startStack({ dataDir, secretsKey: SECRETS_KEY, adminToken: ADMIN, roles: { workers: false } });
    cleanups.push(() => third.close());
    expect((await call(third.url, ADMIN, 'GET', '/health/ready')).status).toBe(200);
  });
});

describe('startStack roles and settings', () => {
  it('runs without the api role (no URL) and refuses settings that contradict each other', async () => {
    const jobs = await startStack({ roles: { api: false, workers: false, analytics: false }, config: { LOG_LEVEL: 'silent' } });
    cleanups.push(() => jobs.close());
    expect(jobs.url).toBe('');
    expect(jobs.dynamodbEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(startStack({ config: { WEBHOOK_TIMEOUT_MS: 20_000, WEBHOOK_VISIBILITY_TIMEOUT_MS: 30_000 } })).rejects.toThrow(/WEBHOOK_TIMEOUT_MS/);
  });
});

describe('server and worker processes on a shared embedded store', () => {
  it('deliver through a worker process and keep every event when the server is killed and restarted', async () => {
    const r = await receiver();
    const store = await startEmbeddedStore();
    cleanups.push(() => store.stop());
    const shared = { dynamodbEndpoint: store.endpoint, secretsKey: SECRETS_KEY, tablePrefix: 'idx-', env: { LOG_LEVEL: 'silent' } };
    const server = await startServerProcess({ ...shared, adminToken: ADMIN, env: { ...shared.env, WORKER_ENABLED: 'false' } });
    cleanups.push(() => server.stop());
    const worker = await startWorkerProcess({ ...shared, env: { ...shared.env, WORKER_POLL_MS: '50' } });
    cleanups.push(() => worker.stop());
    expect((await fetch(`${worker.url}/metrics`)).status).toBe(200);

    const { apiKey, eventId } = await eventTo(server.url, ADMIN, r.url, { n: 1 });
    await waitFor(() => r.received.length === 1, { message: 'delivery by the worker process' });
    server.kill('SIGKILL');
    expect(await server.exited).toBeNull();

    const again = await startServerProcess({ ...shared, adminToken: ADMIN, env: { ...shared.env, WORKER_ENABLED: 'false' } });
    cleanups.push(() => again.stop());
    expect((await call(again.url, apiKey, 'GET', `/v1/events/${eventId}`)).status).toBe(200);
  });
});
