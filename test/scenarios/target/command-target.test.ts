// A command target's start-up: it is ready on whatever port its ready URL names (fetch refuses some,
// 6000 among them).
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { commandTargetSchema } from '../../../scenarios/scenario/target-schema.js';
import { startCommandTarget } from '../../../scenarios/target/command-target.js';
import { startProxyLinks } from '../../../scenarios/target/proxy-links.js';

/** Answers 200 to anything, on PORT. */
const SERVICE = `require('node:http').createServer((q, s) => { q.resume(); s.end('ok'); }).listen(Number(process.env.PORT), '127.0.0.1')`;

/** Ports fetch refuses to connect to (the WHATWG "bad ports"), each a port a service may well use. */
const FETCH_BAD_PORTS = [6000, 5060, 10080, 6665, 6666, 6667, 6668, 6669, 6697, 5061, 4190];

async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  const free = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (free) await new Promise((resolve) => server.close(resolve));
  return free;
}

describe('command target start-up', () => {
  it('is ready on a port fetch refuses, as the url target is', async () => {
    let port: number | undefined;
    for (const candidate of FETCH_BAD_PORTS) if (port === undefined && (await isFree(candidate))) port = candidate;
    if (port === undefined) throw new Error(`every one of ${FETCH_BAD_PORTS.join(', ')} is taken on this machine`);
    // The premise: fetch itself will not reach it.
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    const proxies = await startProxyLinks({ seed: 1, runId: 'badport' });
    const spec = commandTargetSchema.parse({ kind: 'command', run: `${JSON.stringify(process.execPath)} -e ${JSON.stringify(SERVICE)}`, ready_url: `http://127.0.0.1:${port}/`, ready_timeout: '5s', env: { PORT: String(port) } });
    try {
      const target = await startCommandTarget(spec, { proxies, receiverAddress: '127.0.0.1:9', env: {} });
      expect(target.baseUrl).toBe(`http://127.0.0.1:${port}`);
      await target.close();
    } finally {
      await proxies.close();
    }
  });
});
