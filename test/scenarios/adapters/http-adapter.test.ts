// The http adapter fills a user's request templates: a create with a key sends it where the template
// says, a key-less create leaves out every header that fills to nothing, and the body keeps its types.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { httpAdapter } from '../../../scenarios/adapters/http-adapter.js';
import { httpAdapterSchema } from '../../../scenarios/scenario/adapter-schema.js';

const seen: { headers: IncomingHttpHeaders; raw: string[]; body: string; method?: string; url?: string }[] = [];
let flakyReads = 0;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    seen.push({ headers: req.headers, raw: req.rawHeaders, body, method: req.method, url: req.url });
    if (req.url === '/hooks/gone-already') return res.writeHead(404).end();
    if (req.url === '/hooks/refused') return res.writeHead(403).end('{"error":"forbidden"}');
    if (req.url === '/events/flaky') return res.writeHead(++flakyReads <= 2 ? 503 : 200).end('{}');
    if (req.url === '/events/broken') return res.writeHead(500).end('{"error":"internal"}');
    if (req.url === '/events/gone') return res.writeHead(404).end('{}');
    if (req.url === '/hooks/r8/dead') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [{ event: { uuid: 'e1' } }, { event: { uuid: 'e2' } }] }));
    if (req.url === '/per-hook' && req.method === 'POST') return res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ hook: { id: 'h-42' } }));
    if (req.url === '/hooks/h-42/dead') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [{ event: { uuid: 'e7' } }] }));
    if (req.url === '/hooks/r9/dead') return res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such hook"}');
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { id: `e${seen.length}` } }));
  });
});
let baseUrl = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const spec = httpAdapterSchema.parse({
  headers: { authorization: 'Bearer {{env.TOKEN}}' },
  create_event: { method: 'POST', path: '/events', headers: { 'idempotency-key': '{{idempotency_key}}' }, body: { type: '{{event_type}}', seq: '{{seq}}' }, id: '$.data.id' },
  read_event: { path: '/events/{{id}}' },
});
const never = new AbortController().signal;

it('sends the key of a keyed create and no key header for a key-less one', async () => {
  const adapter = httpAdapter(spec, { baseUrl, runId: 'r1', env: { TOKEN: 't0k' } });
  const keyed = await adapter.createEvent({ seq: 1, event_type: 'a.b', idempotency_key: 'r1-1' }, never);
  const keyless = await adapter.createEvent({ seq: 2, event_type: 'a.b', idempotency_key: 'r1-2', keyless: true }, never);
  expect(keyed).toMatchObject({ ok: true, value: { event_id: 'e1', idempotency_key: 'r1-1' } });
  expect(keyless).toMatchObject({ ok: true, value: { event_id: 'e2', idempotency_key: 'r1-2' } });
  const [first, second] = seen.slice(-2);
  expect(first!.headers['idempotency-key']).toBe('r1-1');
  expect(second!.headers).not.toHaveProperty('idempotency-key');
  expect(second!.headers.authorization).toBe('Bearer t0k');
  expect(JSON.parse(second!.body)).toEqual({ type: 'a.b', seq: 2 });
});

it("merges the shared headers with a request's own without regard to case, the request's own winning, each sent once", async () => {
  const adapter = httpAdapter(
    httpAdapterSchema.parse({
      ...spec,
      headers: { Authorization: 'Bearer shared', 'X-Tenant': 't1' },
      create_event: { ...spec.create_event, headers: { authorization: 'Bearer own', 'Content-Type': 'application/vnd.api+json' } },
    }),
    { baseUrl, runId: 'r1h', env: {} },
  );
  await adapter.createEvent({ seq: 1, event_type: 'a.b', idempotency_key: 'r1h-1' }, never);
  const sent = seen.at(-1)!.raw;
  const named = (name: string) => sent.flatMap((v, i) => (i % 2 === 0 && v.toLowerCase() === name ? [sent[i + 1]] : []));
  expect(named('authorization')).toEqual(['Bearer own']);
  expect(named('content-type')).toEqual(['application/vnd.api+json']);
  expect(named('x-tenant')).toEqual(['t1']);
  expect(await adapter.probe('/healthz')).toBe(201);
  expect(seen.at(-1)!.headers.authorization).toBe('Bearer shared');
});

it('notes a JSON path that finds nothing, with the answer it looked in, and nothing while the paths work', async () => {
  const adapter = httpAdapter(spec, { baseUrl, runId: 'r2', env: { TOKEN: 't0k' } });
  await adapter.createEvent({ seq: 1, event_type: 'a.b', idempotency_key: 'r2-1' }, never);
  adapter.identify({ 'webhook-id': 'msg_1' }, JSON.stringify({ event_id: 'e1' }));
  expect(adapter.notes!()).toEqual([]);

  const wrong = httpAdapter(httpAdapterSchema.parse({ ...spec, create_event: { ...spec.create_event, id: '$.id' }, receipt: { event_id: '$.event.id', delivery_id_header: 'webhook-id' } }), {
    baseUrl,
    runId: 'r3',
    env: { TOKEN: 't0k' },
  });
  const created = await wrong.createEvent({ seq: 1, event_type: 'a.b', idempotency_key: 'r3-1' }, never);
  await wrong.createEvent({ seq: 2, event_type: 'a.b', idempotency_key: 'r3-2' }, never);
  expect(created).toMatchObject({ ok: true, value: { idempotency_key: 'r3-1' } });
  wrong.identify({ 'webhook-id': 'msg_1' }, JSON.stringify({ event_id: 'e1' }));
  const [createNote, receiptNote] = wrong.notes!();
  expect(createNote).toMatch(/^adapter\.http\.create_event\.id \(\$\.id\) found no id in 2 2xx answer\(s\), e\.g\. \{"data":\{"id":"e\d+"\}\}: fix the path/);
  expect(receiptNote).toMatch(/^adapter\.http\.receipt\.event_id \(\$\.event\.id\) found no event id in 1 webhook\(s\), e\.g\. \{"event_id":"e1"\}: fix the path/);
});

it('notes an id path that lands on an object as finding no id, rather than giving every event the same one', async () => {
  const adapter = httpAdapter(httpAdapterSchema.parse({ ...spec, create_event: { ...spec.create_event, id: '$.data' }, receipt: { event_id: '$.event', delivery_id_header: 'webhook-id' } }), {
    baseUrl,
    runId: 'r3o',
    env: { TOKEN: 't0k' },
  });
  const created = await adapter.createEvent({ seq: 1, event_type: 'a.b', idempotency_key: 'r3o-1' }, never);
  expect(created.value).not.toHaveProperty('event_id');
  expect(adapter.identify({ 'webhook-id': 'msg_1' }, JSON.stringify({ event: { id: 'e1' } })).event_id).toBe('');
  const [createNote, receiptNote] = adapter.notes!();
  expect(createNote).toMatch(/^adapter\.http\.create_event\.id \(\$\.data\) found no id in 1 2xx answer\(s\), e\.g\. \{"data":\{"id":"e\d+"\}\}: fix the path/);
  expect(receiptNote).toMatch(/^adapter\.http\.receipt\.event_id \(\$\.event\) found no event id in 1 webhook\(s\), e\.g\. \{"event":\{"id":"e1"\}\}: fix the path/);
});

it('owes deliveries to the webhook it registers, with or without a receipt mapping of its own', async () => {
  const registering = httpAdapterSchema.parse({ ...spec, register_webhook: { method: 'POST', path: '/subscriptions', body: { url: '{{receiver_url}}' } } });
  const adapter = httpAdapter(registering, { baseUrl, runId: 'r4', env: { TOKEN: 't0k' } });
  await adapter.setup('http://127.0.0.1:9/hook', 1);
  expect((await adapter.finalRead({ ids: [], attempts: 0 }, () => 1)).webhooks).toHaveLength(1);
  expect((await httpAdapter(spec, { baseUrl, runId: 'r5', env: {} }).finalRead({ ids: [], attempts: 0 }, () => 1)).webhooks).toEqual([]);
});

it('notes a delivery_id_header the webhooks do not carry, naming the headers they did carry', () => {
  const adapter = httpAdapter(httpAdapterSchema.parse({ ...spec, receipt: { event_id: '$.event_id', delivery_id_header: 'X-Delivery-Id' } }), { baseUrl, runId: 'r6', env: {} });
  expect(adapter.identify({ 'x-delivery-id': 'd1' }, JSON.stringify({ event_id: 'e1' })).delivery_id).toBe('d1');
  expect(adapter.notes!()).toEqual([]);
  adapter.identify({ 'content-type': 'application/json', 'x-delivery': 'd2' }, JSON.stringify({ event_id: 'e2' }));
  adapter.identify({ 'x-delivery': 'd3' }, JSON.stringify({ event_id: 'e3' }));
  expect(adapter.notes!()).toEqual([
    'adapter.http.receipt.delivery_id_header (X-Delivery-Id) was missing from 2 webhook(s), which carried content-type, x-delivery: fix the header name, or those deliveries cannot be told apart (they count as one delivery id)',
  ]);
});

it('sends the shared headers with an http probe, so a probe may read a path behind the credentials', async () => {
  const adapter = httpAdapter(spec, { baseUrl, runId: 'r7', env: { TOKEN: 'pr0be' } });
  expect(await adapter.probe('/healthz')).toBe(201);
  expect(seen.at(-1)!.headers.authorization).toBe('Bearer pr0be');
});

it('reads the dead letters of the webhook it registered, and notes a dead_letters request that gives no list', async () => {
  const withDlq = (runId: string) =>
    httpAdapter(
      httpAdapterSchema.parse({
        ...spec,
        register_webhook: { method: 'PUT', path: '/hooks/{{run_id}}', body: { target: '{{receiver_url}}' } },
        dead_letters: { path: '/hooks/{{run_id}}/dead', event_id: '$.items[*].event.uuid' },
      }),
      { baseUrl, runId, env: { TOKEN: 't0k' } },
    );
  const adapter = withDlq('r8');
  await adapter.setup('http://127.0.0.1:9/hook', 1);
  const final = await adapter.finalRead({ ids: [], attempts: 0 }, () => 1);
  expect(final.dlq).toEqual([
    { delivery_id: '', event_id: 'e1', webhook_id: final.webhooks[0]!.webhook_id },
    { delivery_id: '', event_id: 'e2', webhook_id: final.webhooks[0]!.webhook_id },
  ]);
  expect(seen.at(-1)!.headers.authorization).toBe('Bearer t0k');
  expect(adapter.notes!()).toEqual([]);

  const missing = withDlq('r9');
  expect((await missing.finalRead({ ids: [], attempts: 0 }, () => 1)).dlq).toEqual([]);
  expect(missing.notes!()).toEqual([
    'adapter.http.dead_letters (GET /hooks/{{run_id}}/dead) answered 404: {"error":"no such hook"}: no dead letters were read, so deliveries the service gave up on count as missing',
  ]);
});

it("reads a per-webhook dead-letter list at the id register_webhook answered with, and notes it when there was none", async () => {
  const perHook = (id: string) =>
    httpAdapter(
      httpAdapterSchema.parse({
        ...spec,
        register_webhook: { method: 'POST', path: '/per-hook', body: { url: '{{receiver_url}}' }, id },
        dead_letters: { path: '/hooks/{{webhook_id}}/dead', event_id: '$.items[*].event.uuid' },
      }),
      { baseUrl, runId: 'r11', env: { TOKEN: 't0k' } },
    );
  const adapter = perHook('$.hook.id');
  expect(await adapter.setup('http://127.0.0.1:9/hook', 1)).toEqual(['h-42']);
  const final = await adapter.finalRead({ ids: [], attempts: 0 }, () => 1);
  expect(seen.at(-1)!.url).toBe('/hooks/h-42/dead');
  expect(final.dlq).toEqual([{ delivery_id: '', event_id: 'e7', webhook_id: 'h-42' }]);
  expect(adapter.notes!()).toEqual([]);

  // The answer holds no id at the path: nothing is asked at /hooks//dead, and the note says why.
  const noId = perHook('$.id');
  await noId.setup('http://127.0.0.1:9/hook', 1);
  const sent = seen.length;
  expect((await noId.finalRead({ ids: [], attempts: 0 }, () => 1)).dlq).toEqual([]);
  expect(seen.length).toBe(sent);
  expect(noId.notes!()).toEqual([
    "adapter.http.dead_letters (GET /hooks/{{webhook_id}}/dead) could not be sent: register_webhook's answer had no id at $.id, so {{webhook_id}} has no value (set register_webhook.id): no dead letters were read, so deliveries the service gave up on count as missing",
  ]);
});

it('asks again at the read-back when an answer is neither 2xx nor 404, and notes the events it never could read', async () => {
  const adapter = httpAdapter(spec, { baseUrl, runId: 'r10', env: { TOKEN: 't0k' } });
  const final = await adapter.finalRead({ ids: ['flaky', 'broken', 'gone'], attempts: 3 }, () => 1);
  expect(Object.fromEntries(Object.entries(final.events).map(([id, e]) => [id, e.readable]))).toEqual({ flaky: true, broken: false, gone: false });
  expect(adapter.notes!()).toEqual([
    'adapter.http.read_event answered neither 2xx nor 404 for 1 event(s) at the read-back (asked up to 3 times), e.g. GET /events/broken → 500 {"error":"internal"}: those count as not readable (lost, when acknowledged); check read_event and the service',
  ]);
});

it('reads events back several at a time, keeping each answer with its event', async () => {
  // A service that answers reads of /slow/<n> after 50 ms (readable when n is even), counting those in flight.
  let inFlight = 0;
  let most = 0;
  const slow = createServer((req, res) => {
    inFlight++;
    most = Math.max(most, inFlight);
    const n = Number(/^\/slow\/(\d+)$/.exec(req.url ?? '')?.[1]);
    setTimeout(() => {
      inFlight--;
      res.writeHead(n % 2 === 0 ? 200 : 404, { 'content-type': 'application/json' }).end('{}');
    }, 50);
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    const adapter = httpAdapter(httpAdapterSchema.parse({ ...spec, read_event: { path: '/slow/{{id}}' } }), { baseUrl: url, runId: 'r14', env: { TOKEN: 't0k' } });
    const ids = Array.from({ length: 24 }, (_, i) => String(i));
    const final = await adapter.finalRead({ ids, attempts: ids.length }, () => 1);
    expect(Object.keys(final.events)).toEqual(ids);
    expect(ids.filter((id) => final.events[id]!.readable)).toEqual(ids.filter((id) => Number(id) % 2 === 0));
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(8);
  } finally {
    slow.closeAllConnections();
    await new Promise((r) => slow.close(r));
  }
});

it('removes the webhook it registered at teardown, by the id its answer gave, and says when it could not', async () => {
  const registering = (unregister: { path: string }, id = '$.data.id') =>
    httpAdapterSchema.parse({ ...spec, register_webhook: { path: '/hooks', body: { url: '{{receiver_url}}' }, id }, unregister_webhook: unregister });
  const adapter = httpAdapter(registering({ path: '/hooks/{{webhook_id}}' }), { baseUrl, runId: 'r11', env: { TOKEN: 't0k' } });
  const [id] = await adapter.setup('http://127.0.0.1:9/hook', 1);
  await adapter.teardown!();
  expect(seen.at(-1)).toMatchObject({ method: 'DELETE', url: `/hooks/${id}` });
  expect(seen.at(-1)!.headers.authorization).toBe('Bearer t0k');

  const gone = httpAdapter(registering({ path: '/hooks/gone-already' }), { baseUrl, runId: 'r12', env: { TOKEN: 't0k' } });
  await gone.setup('http://127.0.0.1:9/hook', 1);
  await expect(gone.teardown!()).resolves.toBeUndefined();

  const refused = httpAdapter(registering({ path: '/hooks/refused' }), { baseUrl, runId: 'r13', env: { TOKEN: 't0k' } });
  await refused.setup('http://127.0.0.1:9/hook', 1);
  await expect(refused.teardown!()).rejects.toThrow('adapter.http.unregister_webhook answered 403: {"error":"forbidden"}; the webhook is left registered');

  const noId = httpAdapter(registering({ path: '/hooks/{{webhook_id}}' }, '$.hook.id'), { baseUrl, runId: 'r14', env: { TOKEN: 't0k' } });
  await noId.setup('http://127.0.0.1:9/hook', 1);
  const before = seen.length;
  await expect(noId.teardown!()).rejects.toThrow("register_webhook's answer had no id at $.hook.id, so {{webhook_id}} has no value: set register_webhook.id");
  expect(seen.length).toBe(before);
});
