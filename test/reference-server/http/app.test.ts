// The app's request logging: every line a request writes carries its request id at the top level,
// the one the client sent or the one generated for it, and never the credential.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/test-api.js';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false' }, { logger: pino({ level: 'debug' }, sink) });
});
afterAll(async () => api?.close());

const linesOf = (id: string) => lines.filter((l) => l.request_id === id);

it('logs a request with the request id the client sent', async () => {
  const res = await api.call('GET', '/v1/inbox', { key: 'tr_not_a_key', headers: { 'x-request-id': 'req-log-test-1' } });
  expect(res.status).toBe(401);
  expect(linesOf('req-log-test-1')).toContainEqual(expect.objectContaining({ msg: 'request completed', req: expect.objectContaining({ url: '/v1/inbox' }) }));
  expect(JSON.stringify(lines)).not.toContain('tr_not_a_key');
});

it('logs a request with the id generated for it, the one in X-Request-Id', async () => {
  const res = await api.call('GET', '/no/such/route');
  const id = res.headers.get('x-request-id')!;
  expect(id).toMatch(/^req_/);
  expect(linesOf(id)).toContainEqual(expect.objectContaining({ msg: 'request completed', res: expect.objectContaining({ statusCode: 404 }) }));
});
