// The journal's counts of a run interrupted with requests in flight: those the runner cancelled are in
// none of count, ok and failed, and are said apart, so the counts add up to what was sent. Its times
// add up too: set-up, then the run from started_at to ended_at, together in duration_ms (junit.xml's time).
import { mkdtemp, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { jsonServer } from '../../support/json-server.js';

// Answers creates at once for the first 10, then holds every later one unanswered.
let creates = 0;
const server = jsonServer((req, _body, send) => {
  if (req.method === 'POST' && req.url === '/events') {
    if (++creates <= 10) send(201, { id: `e${creates}` });
    return;
  }
  send(200, {});
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

it('counts the requests cancelled at an interrupt apart from the service\'s own outcomes', async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const interrupt = new AbortController();
  const journal = await runScenario(
    {
      title: 'hangs after ten',
      target: { kind: 'url', base_url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
      adapter: { http: { create_event: { path: '/events', body: { seq: '{{seq}}' }, id: '$.id' }, read_event: { path: '/events/{{id}}' } } },
      load: { rate: 20 },
      phases: { baseline: '1s', fault: '1s', recovery: '1s' },
    },
    { seed: 3, out: await mkdtemp(join(tmpdir(), 'aftershock-interrupted-')), signal: interrupt.signal, onEvent: (e) => void (e.type === 'phase' && e.phase === 'fault' && interrupt.abort()) },
  );
  expect(journal.status).toBe('interrupted');
  const ops = journal.load.ops.create_event!;
  expect(ops).toMatchObject({ count: 10, ok: 10, failed: 0 });
  expect(ops.cancelled).toBeGreaterThan(0);
  expect(ops.count + ops.cancelled! + journal.load.dropped).toBe(journal.load.intended);
  // The first request held was meant to start at 0.5 s and was still unanswered at the stop, 1 s in.
  expect(ops.cancelled_longest_ms).toBeGreaterThanOrEqual(400);
  expect(ops.cancelled_longest_ms).toBeLessThan(journal.duration_ms);

  const [started, ended] = [Date.parse(journal.started_at), Date.parse(journal.ended_at)];
  expect(journal.setup_ms).toBeGreaterThan(0);
  expect(ended - started).toBe(journal.duration_ms - journal.setup_ms);
  const junit = await readFile(journal.outputs.junit, 'utf8');
  expect(junit).toContain(`time="${journal.duration_ms / 1000}"`);
}, 30_000);
