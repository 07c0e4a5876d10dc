// `proxy` faults on a link of the built-in proxy: steps that overlap on one link each keep their own
// part until their own end. A link taken down by two steps stays down until the later heal; toxics
// come off one by one.
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startToxiproxyServer } from '../../../chaos/src/proxy/server.js';
import { applyProxyFault } from '../../../scenarios/faults/proxy-fault.js';
import { startProxyLinks, type ProxyLinks } from '../../../scenarios/target/proxy-links.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A `receiver` link in front of an HTTP server that answers `ok`. With `slowEnableMs`, the proxy's API
 * is reached through a forwarder that holds each request bringing a link back up that long (a
 * Toxiproxy far away, or busy), so requests sent one after the other can arrive in the other order.
 */
async function startLink(options: { slowEnableMs?: number } = {}) {
  const upstream = await listen(createServer((_req, res) => res.end('ok')));
  const builtIn = await startToxiproxyServer({ port: 0, seed: 1 });
  cleanup.push(() => builtIn.close());
  let api = builtIn.url;
  if (options.slowEnableMs !== undefined) {
    const forwarder = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const hold = /"enabled":\s*true/.test(body) ? options.slowEnableMs! : 0;
        setTimeout(async () => {
          const answer = await fetch(builtIn.url + req.url, { method: req.method, headers: { 'content-type': 'application/json' }, body: body === '' ? undefined : body });
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
        }, hold);
      });
    });
    api = `http://${await listen(forwarder)}`;
  }
  const proxies: ProxyLinks = await startProxyLinks({ seed: 1, runId: 'proxy-fault-test', toxiproxyUrl: api });
  const link = await proxies.link('receiver', upstream);
  const errors: unknown[] = [];
  /** A request through the link on a connection of its own: `answered` or `no answer`. */
  const through = () =>
    new Promise<string>((resolve) => {
      const [host, port] = link.route.listen.split(':');
      const req = get({ host, port: Number(port), path: '/', agent: false, timeout: 1_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve('answered'));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve('no answer'));
    });
  const down = (id: string) => applyProxyFault({ link: 'receiver', down: true }, id, proxies, (err) => errors.push(err));
  const toxics = async () => ((await (await fetch(`${builtIn.url}/proxies/${link.proxy.name}/toxics`)).json()) as { name: string }[]).map((t) => t.name);
  return { proxies, through, down, toxics, errors };
}

it('keeps a link down until the last of two overlapping down steps heals, whichever heals first', async () => {
  const { through, down, errors } = await startLink();
  const outer = await down('outer');
  const inner = await down('inner');
  expect(await through()).toBe('no answer');
  await inner.heal();
  expect(await through()).toBe('no answer');
  await outer.heal();
  expect(await through()).toBe('answered');

  const first = await down('first');
  const second = await down('second');
  await first.heal();
  expect(await through()).toBe('no answer');
  await second.heal();
  expect(await through()).toBe('answered');
  expect(errors).toEqual([]);
});

it('takes a link down for a step that starts as the step before it heals, though the proxy is slow to bring it up', async () => {
  const { through, down, errors } = await startLink({ slowEnableMs: 200 });
  const before = await down('before');
  const [, after] = await Promise.all([before.heal(), down('after')]);
  expect(await through()).toBe('no answer');
  await after.heal();
  expect(await through()).toBe('answered');
  expect(errors).toEqual([]);
});

it('removes only its own toxic when two toxics of one type overlap on a link', async () => {
  const { proxies, toxics, errors } = await startLink();
  const latency = { link: 'receiver' as const, toxic: { type: 'latency' as const, attributes: { latency: 50 } } };
  const outer = await applyProxyFault(latency, 'outer-latency', proxies, (err) => errors.push(err));
  const inner = await applyProxyFault(latency, 'inner-latency', proxies, (err) => errors.push(err));
  expect(await toxics()).toEqual(['outer-latency', 'inner-latency']);
  await inner.heal();
  expect(await toxics()).toEqual(['outer-latency']);
  await outer.heal();
  expect(await toxics()).toEqual([]);
  expect(errors).toEqual([]);
});
