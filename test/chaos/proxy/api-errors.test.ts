// Every failure in Toxiproxy 2.12's table answers with the same status and body
// (`{"error": …, "status": …}` and a newline), plus the API's conventions: request ids, the browser
// guard, case-insensitive keys, integer attributes, default toxic names and PATCH updates.
import net from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { echoServer, type TestServer } from './support/sockets.js';
import { startHarness, type Harness } from './support/harness.js';

let h: Harness;
let upstream: TestServer;

beforeEach(async () => {
  h = await startHarness();
  upstream = await echoServer();
  await h.call('POST', '/proxies', { name: 'db', listen: '127.0.0.1:0', upstream: upstream.address });
});
afterEach(async () => {
  await h.server.close();
  await upstream.close();
});

const errorBody = (message: string, status: number): string => `${JSON.stringify({ error: message, status })}\n`;

it.each([
  ['POST', '/proxies', '', 400, 'bad request body: EOF'],
  ['POST', '/proxies', { upstream: 'x:1' }, 400, 'missing required field: name'],
  ['POST', '/proxies', { name: 'n' }, 400, 'missing required field: upstream'],
  ['POST', '/proxies', { name: 'db', upstream: 'x:1' }, 409, 'proxy already exists'],
  ['GET', '/proxies/nope', undefined, 404, 'proxy not found'],
  ['PATCH', '/proxies/nope', {}, 404, 'proxy not found'],
  ['DELETE', '/proxies/nope', undefined, 404, 'proxy not found'],
  ['GET', '/proxies/nope/toxics', undefined, 404, 'proxy not found'],
  ['POST', '/proxies/nope/toxics', { type: 'latency' }, 404, 'proxy not found'],
  ['POST', '/proxies/db/toxics', { type: 'latency', stream: 'sideways' }, 400, 'stream was invalid, can be either upstream or downstream'],
  ['POST', '/proxies/db/toxics', { type: 'earthquake' }, 400, 'invalid toxic type'],
  ['GET', '/proxies/db/toxics/nope', undefined, 404, 'toxic not found'],
  ['POST', '/proxies/db/toxics/nope', { attributes: {} }, 404, 'toxic not found'],
  ['DELETE', '/proxies/db/toxics/nope', undefined, 404, 'toxic not found'],
  ['POST', '/proxies/db/toxics', { type: 'latency', toxicity: 1e39 }, 400,
    'bad request body: json: cannot unmarshal number 1e+39 into Go struct field ToxicWrapper.toxicity of type float32'],
  ['POST', '/proxies/db/toxics', { type: 'latency', attributes: { latency: 1.5 } }, 400,
    'bad request body: json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.attributes.latency of type int64'],
  ['POST', '/proxies', { name: 5, upstream: 'x:1' }, 400,
    'bad request body: json: cannot unmarshal number 5 into Go struct field Proxy.name of type string'],
] as const)('answers %s %s (%j) with %i and upstream\'s message', async (method, path, body, status, message) => {
  const reply = await h.call(method, path, body);
  expect(reply.status).toBe(status);
  expect(reply.text).toBe(errorBody(message, status));
});

it('answers 400 bad request body for malformed JSON', async () => {
  const reply = await h.call('POST', '/proxies', '{not json');
  expect(reply.status).toBe(400);
  expect(reply.json()).toMatchObject({ status: 400, error: expect.stringMatching(/^bad request body: .+/) });
  expect(reply.text.endsWith('}\n')).toBe(true);
});

it('answers 409 when a toxic name exists on either stream', async () => {
  await h.call('POST', '/proxies/db/toxics', { name: 'x', type: 'latency', stream: 'upstream' });
  const reply = await h.call('POST', '/proxies/db/toxics', { name: 'x', type: 'latency', stream: 'downstream' });
  expect(reply.status).toBe(409);
  expect(reply.text).toBe(errorBody('toxic already exists', 409));
});

it('answers 500 with the bind error when the listen address is in use', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as net.AddressInfo;
  const reply = await h.call('POST', '/proxies', { name: 'clash', listen: `127.0.0.1:${port}`, upstream: upstream.address });
  taken.close();
  expect(reply.status).toBe(500);
  expect(reply.text).toBe(errorBody(`listen tcp 127.0.0.1:${port}: bind: address already in use`, 500));
  expect((await h.call('GET', '/proxies/clash')).status).toBe(404);
});

it('reports populate failures as JSON with the proxies made so far, null when none were (as Go marshals them)', async () => {
  const missing = await h.call('POST', '/populate', [{ name: 'ok', upstream: 'x:1' }, { name: 'bad' }]);
  expect(missing.status).toBe(400);
  expect(missing.json()).toEqual({ error: 'missing required field: upstream at proxy 2', status: 400, proxies: null });
  expect((await h.call('GET', '/proxies/ok')).status).toBe(404);
  const duplicate = await h.call('POST', '/populate', [{ name: 'd', upstream: 'x:1' }, { name: 'd', upstream: 'x:1' }]);
  expect(duplicate.status).toBe(500);
  expect(duplicate.json()).toEqual({ error: 'duplicate proxy name "d"', status: 500, proxies: null });
  const taken = (await h.call('POST', '/proxies', { name: 'first', listen: '127.0.0.1:0', upstream: 'x:1' })).json<{ listen: string }>();
  const partly = await h.call('POST', '/populate', [
    { name: 'made', listen: '127.0.0.1:0', upstream: 'x:1' },
    { name: 'clash', listen: taken.listen, upstream: 'x:1' },
  ]);
  expect(partly.status).toBe(500);
  expect(partly.json<{ proxies: { name: string }[] }>().proxies.map((p) => p.name)).toEqual(['made']);
});

it('tags every response with X-Toxiproxy-Request-Id', async () => {
  const ok = await h.call('GET', '/proxies');
  const failed = await h.call('GET', '/proxies/nope');
  expect(ok.headers.get('x-toxiproxy-request-id')).toMatch(/^\w{8,}$/);
  expect(failed.headers.get('x-toxiproxy-request-id')).toMatch(/^\w{8,}$/);
  expect(ok.headers.get('x-toxiproxy-request-id')).not.toBe(failed.headers.get('x-toxiproxy-request-id'));
});

it('refuses browsers (User-Agent starting with Mozilla/) with 403', async () => {
  const reply = await h.call('GET', '/proxies', undefined, { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' });
  expect(reply.status).toBe(403);
  expect(reply.text).toBe('User agent not allowed\n');
});

it('matches JSON keys case-insensitively and ignores unknown keys', async () => {
  const reply = await h.call('POST', '/proxies', { NAME: 'loud', Upstream: upstream.address, Listen: '127.0.0.1:0', colour: 'red' });
  expect(reply.status).toBe(201);
  expect(reply.json()).toMatchObject({ name: 'loud', upstream: upstream.address, enabled: true, toxics: [] });
});

it('names toxics <type>_<stream> by default and defaults to downstream with toxicity 1', async () => {
  const reply = await h.call('POST', '/proxies/db/toxics', { type: 'slicer' });
  expect(reply.status).toBe(200);
  expect(reply.json()).toEqual({
    attributes: { average_size: 0, size_variation: 0, delay: 0 },
    name: 'slicer_downstream',
    type: 'slicer',
    stream: 'downstream',
    toxicity: 1,
  });
});

it('lists upstream toxics before downstream ones', async () => {
  await h.call('POST', '/proxies/db/toxics', { type: 'latency', stream: 'downstream' });
  await h.call('POST', '/proxies/db/toxics', { type: 'bandwidth', stream: 'upstream' });
  const names = (await h.call('GET', '/proxies/db/toxics')).json<{ name: string }[]>().map((t) => t.name);
  expect(names).toEqual(['bandwidth_upstream', 'latency_downstream']);
});

it('merges toxic attributes on PATCH and keeps toxicity when omitted', async () => {
  await h.call('POST', '/proxies/db/toxics', { name: 'l', type: 'latency', toxicity: 0.3, attributes: { latency: 10, jitter: 5 } });
  const reply = await h.call('PATCH', '/proxies/db/toxics/l', { attributes: { jitter: 7 }, name: 'renamed', type: 'timeout' });
  expect(reply.status).toBe(200);
  expect(reply.json()).toEqual({ attributes: { latency: 10, jitter: 7 }, name: 'l', type: 'latency', stream: 'downstream', toxicity: 0.3 });
});

it('keeps omitted proxy fields on PATCH', async () => {
  const before = (await h.call('GET', '/proxies/db')).json<{ listen: string }>();
  const reply = await h.call('PATCH', '/proxies/db', { enabled: false });
  expect(reply.json()).toEqual({ name: 'db', listen: before.listen, upstream: upstream.address, enabled: false, toxics: [] });
});

it('answers 204 with no body for deletes and reset', async () => {
  await h.call('POST', '/proxies/db/toxics', { type: 'noop' });
  const toxic = await h.call('DELETE', '/proxies/db/toxics/noop_downstream');
  const reset = await h.call('POST', '/reset');
  const proxy = await h.call('DELETE', '/proxies/db');
  expect([toxic.status, reset.status, proxy.status]).toEqual([204, 204, 204]);
  expect(toxic.text + reset.text + proxy.text).toBe('');
});

it('answers unknown routes with 404 and wrong methods with 405, and survives malformed escapes', async () => {
  expect(await h.call('GET', '/nowhere')).toMatchObject({ status: 404, text: '404 page not found\n' });
  expect((await h.call('PUT', '/proxies')).status).toBe(405);
  expect((await h.call('GET', '/proxies/%E0%A4%A')).status).toBe(404);
  expect((await h.call('GET', '/version')).status).toBe(200);
});
