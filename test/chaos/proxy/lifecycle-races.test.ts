// Concurrent lifecycle calls on one proxy, lined up by a lookup the test controls: whatever the
// interleaving, every listener belongs to an enabled proxy, and a deleted or disabled one binds none.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ProxyMetrics } from '../../../chaos/src/proxy/metrics.js';
import { ProxyCollection } from '../../../chaos/src/proxy/proxy-collection.js';
import { createRandom } from '../../../chaos/src/proxy/random.js';
import { waitFor } from '../../support/wait-for.js';
import { gatedLookup, trackListeners, type GatedLookup } from './support/gated-lookup.js';
import { connectOutcome } from './support/sockets.js';

let gate: GatedLookup;
let proxies: ProxyCollection;
let listeners: ReturnType<typeof trackListeners>;
/** What the proxies' listeners are counted from: only servers that start listening in the test count. */
const baseline = 0;

beforeEach(() => {
  gate = gatedLookup();
  proxies = new ProxyCollection(createRandom(1), new ProxyMetrics(), undefined, gate.lookup);
  listeners = trackListeners();
});
afterEach(async () => {
  gate.open();
  await proxies.close();
  listeners.stop();
});

// A host name, so every start goes through the gated lookup (port 0: a free port).
const input = (name: string, enabled = true) => ({ name, listen: 'svc.test:0', upstream: '127.0.0.1:1', enabled });
const listenersBackTo = (count: number) =>
  waitFor(() => listeners.listening() === count, { timeoutMs: 2000, message: `${count - baseline} proxy listeners` });

it('binds one listener for six simultaneous enables, and none once the proxy is deleted', async () => {
  await proxies.add(input('db', false));
  const enables = Array.from({ length: 6 }, () =>
    proxies.update('db', (p) => ({ listen: p.listen, upstream: p.upstream, enabled: true })).then((o) => (o.ok ? o.value.listen : o.error.message)),
  );
  await waitFor(() => gate.asked.length > 0, { message: 'the first lookup' });
  gate.open();
  const listens = await Promise.all(enables);
  expect(new Set(listens).size).toBe(1);
  await listenersBackTo(baseline + 1);
  await proxies.update('db', (p) => ({ listen: p.listen, upstream: p.upstream, enabled: false }));
  expect((await proxies.remove('db')).ok).toBe(true);
  await listenersBackTo(baseline);
  expect(await connectOutcome(listens[0] ?? '')).toBe('ECONNREFUSED');
});

it('ends with no proxy and no listener when a create and a delete of the same name race', async () => {
  const created = proxies.add(input('svc'));
  const removed = proxies.remove('svc');
  await waitFor(() => gate.asked.length > 0, { message: 'the lookup' });
  gate.open();
  const [made, gone] = await Promise.all([created, removed]);
  // Applied in arrival order, as Toxiproxy's lock does: 201 then 204, and the port is closed.
  expect(made.ok && gone.ok).toBe(true);
  expect(proxies.get('svc').ok).toBe(false);
  await listenersBackTo(baseline);
  expect(await connectOutcome(made.ok ? made.value.listen : '')).toBe('ECONNREFUSED');
});

it('leaves the proxy down when a disable arrives while an enable is still looking up its host', async () => {
  await proxies.add(input('queue', false));
  const enable = proxies.update('queue', (p) => ({ listen: p.listen, upstream: p.upstream, enabled: true }));
  const disable = proxies.update('queue', (p) => ({ listen: p.listen, upstream: p.upstream, enabled: false }));
  await waitFor(() => gate.asked.length > 0, { message: 'the lookup' });
  gate.open();
  await Promise.all([enable, disable]);
  const proxy = proxies.get('queue');
  expect(proxy.ok ? proxy.value.enabled : 'gone').toBe(false);
  await listenersBackTo(baseline);
});

it('closes a proxy whose start was still pending when the server shut down', async () => {
  const created = proxies.add(input('late'));
  await waitFor(() => gate.asked.length > 0, { message: 'the lookup' });
  const closed = proxies.close();
  gate.open();
  await Promise.all([created, closed]);
  await listenersBackTo(baseline);
  expect((await proxies.add(input('after'))).ok).toBe(false);
});
