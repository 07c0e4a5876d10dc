// The SDK's HTTP handler against real loopback servers: a DynamoDB-shaped fake that can hang or drop
// a connection, and the embedded dynalite. What matters is what the SDK's retry rules see: aborts
// are final, timeouts and dropped connections are retried.
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamo } from '../../../reference-server/src/store/dynamo-client.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../reference-server/src/store/embedded-dynalite.js';
import { UndiciHttpHandler } from '../../../reference-server/src/store/undici-http-handler.js';
import { waitFor } from '../../support/wait-for.js';

/** What the fake does with the next requests, in order; past the list it answers `{}`. */
let plan: ('hang' | 'drop' | 'answer')[] = [];
const seen: { method: string; url: string; target: string }[] = [];
let server: Server;
/** Connections the fake has seen close. */
let closed = 0;
let endpoint: string;
const handlers: UndiciHttpHandler[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', target: String(req.headers['x-amz-target'] ?? '') });
    req.resume();
    req.on('end', () => {
      const step = plan.shift() ?? 'answer';
      if (step === 'hang') return;
      if (step === 'drop') return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-multi': ['a', 'b'] }).end('{"TableNames":["t1"]}');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => socket.on('close', () => closed++));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  plan = [];
  seen.length = 0;
});
afterAll(async () => {
  for (const h of handlers) h.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function client(opts: { requestTimeoutMs?: number; maxAttempts?: number } = {}): DynamoDBClient {
  const requestHandler = new UndiciHttpHandler({ connections: 4, connectionTimeoutMs: 1_000, requestTimeoutMs: opts.requestTimeoutMs ?? 5_000 });
  handlers.push(requestHandler);
  return new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: opts.maxAttempts ?? 3, requestHandler });
}

describe('the SDK over undici', () => {
  it('sends a signed call and parses the answer', async () => {
    const out = await client().send(new ListTablesCommand({}));
    expect(out.TableNames).toEqual(['t1']);
    expect(seen).toEqual([{ method: 'POST', url: '/', target: 'DynamoDB_20120810.ListTables' }]);
  });

  it('retries a call whose connection the peer dropped, as node:http’s ECONNRESET', async () => {
    plan = ['drop'];
    const out = await client().send(new ListTablesCommand({}));
    expect(out.TableNames).toEqual(['t1']);
    expect(out.$metadata.attempts).toBe(2);
    expect(seen).toHaveLength(2);
  });

  it('ends a call with no answer as a TimeoutError, and retries it', async () => {
    plan = ['hang'];
    const out = await client({ requestTimeoutMs: 200 }).send(new ListTablesCommand({}));
    expect(out.$metadata.attempts).toBe(2);
    plan = ['hang'];
    await expect(client({ requestTimeoutMs: 200, maxAttempts: 1 }).send(new ListTablesCommand({}))).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('rejects an aborted call with an AbortError at once, and does not retry it', async () => {
    plan = ['hang', 'hang'];
    const started = performance.now();
    const err = await client()
      .send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(150) })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(seen).toHaveLength(1);
    const before = new AbortController();
    before.abort();
    await expect(client().send(new ListTablesCommand({}), { abortSignal: before.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toHaveLength(1);
  });

  it('drops a request when its signal aborts, with the reason as the AbortError’s cause', async () => {
    plan = ['hang'];
    const h = new UndiciHttpHandler({ connections: 1, connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000 });
    handlers.push(h);
    const closedBefore = closed;
    const { port } = new URL(endpoint);
    const err = await h
      .handle({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: Number(port), path: '/', headers: {}, body: '{}' }, { abortSignal: AbortSignal.timeout(100) })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect((err as Error).cause).toMatchObject({ name: 'TimeoutError' });
    await waitFor(() => closed > closedBefore, { timeoutMs: 5_000, intervalMs: 10, message: 'the aborted request’s connection closed' });
  });

  it('sends the query string and fragment, encoded as the signer encodes them', async () => {
    const h = new UndiciHttpHandler({ connections: 1, connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000 });
    handlers.push(h);
    const { port } = new URL(endpoint);
    const { response } = await h.handle({
      method: 'GET',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: Number(port),
      path: '/p',
      query: { b: ["it's", 'x y'], a: '1', flag: null },
      fragment: 'f',
      headers: {},
    });
    // The fragment goes on the wire too, as node:http's handler sends it.
    expect(seen.at(-1)!.url).toBe('/p?a=1&b=it%27s&b=x%20y&flag#f');
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-multi']).toBe('a, b');
    expect(Buffer.from(response.body as Uint8Array).toString()).toBe('{"TableNames":["t1"]}');
  });
});

describe('the project’s clients', () => {
  let db: EmbeddedDynamo;
  beforeAll(async () => {
    db = await startEmbeddedDynamo();
  });
  afterAll(async () => {
    await db.stop();
  });

  it('reach dynalite through it', async () => {
    const { client: c } = createDynamo({ endpoint: db.endpoint });
    try {
      expect(c.config.requestHandler).toBeInstanceOf(UndiciHttpHandler);
      expect((await c.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    } finally {
      c.destroy();
    }
  });
});
