// A command target's start-up: it is ready on whatever port its ready URL names (fetch refuses some,
// 6000 among them), and a stop while it waits (Ctrl-C) ends the wait and the command at once, not at
// ready_timeout.
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../../scenarios/scenario/scenario-error.js';
import { commandTargetSchema } from '../../../scenarios/scenario/target-schema.js';
import { startCommandTarget } from '../../../scenarios/target/command-target.js';
import { startProxyLinks } from '../../../scenarios/target/proxy-links.js';
import { startTarget } from '../../../scenarios/target/start-target.js';
import { isAlive } from '../../support/process-alive.js';
import { unusedPort } from '../../support/unused-port.js';
import { waitFor } from '../../support/wait-for.js';

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

  it('stops waiting, and stops the command, as soon as the signal says so', async () => {
    const port = await unusedPort();
    const dir = await mkdtemp(join(tmpdir(), 'aftershock-cmd-stop-'));
    const pidFile = join(dir, 'pid');
    // Never ready: it starts, says where it is, and sleeps far past the test.
    const spec = commandTargetSchema.parse({ kind: 'command', run: `echo $$ > ${JSON.stringify(pidFile)}; exec sleep 60`, ready_url: `http://127.0.0.1:${port}/`, ready_timeout: '30s' });
    const stop = new AbortController();
    const started = startTarget(spec, { seed: 1, runId: 'stop', receiverAddress: '127.0.0.1:9', env: {}, signal: stop.signal }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const pid = Number(await waitFor(() => readFile(pidFile, 'utf8').then((t) => t.trim()), { message: 'the command to start' }));
    const stoppedAt = Date.now();
    stop.abort();
    const err = await started;
    expect(Date.now() - stoppedAt).toBeLessThan(3_000);
    expect(err).toBeInstanceOf(ScenarioError);
    expect(err).toMatchObject({ code: 'setup_failed', message: `stopped while waiting for http://127.0.0.1:${port}/ to be ready` });
    expect(isAlive(pid)).toBe(false);
  });

  it("cuts a url target's first probe as soon as the signal says so", async () => {
    // Accepts the connection and never answers: the probe would wait its full 5 s.
    const connections = new Set<Socket>();
    const silent = createServer((socket) => void connections.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const stop = new AbortController();
    try {
      const reached = startTarget({ kind: 'url', base_url: `http://127.0.0.1:${port}`, admin_token_env: 'AFTERSHOCK_ADMIN_TOKEN' }, { seed: 1, runId: 'url', receiverAddress: '127.0.0.1:9', env: {}, signal: stop.signal });
      const stoppedAt = Date.now();
      setImmediate(() => stop.abort());
      await expect(reached).rejects.toMatchObject({ code: 'setup_failed', message: `stopped while reaching http://127.0.0.1:${port}` });
      expect(Date.now() - stoppedAt).toBeLessThan(2_000);
    } finally {
      await new Promise((resolve) => {
        silent.close(resolve);
        for (const c of connections) c.destroy();
      });
    }
  });

  it('starts nothing when the signal has already stopped the run', async () => {
    const stop = new AbortController();
    stop.abort();
    const spec = commandTargetSchema.parse({ kind: 'command', run: 'sleep 60', ready_url: 'http://127.0.0.1:9/' });
    await expect(startTarget(spec, { seed: 1, runId: 'stopped', receiverAddress: '127.0.0.1:9', env: {}, signal: stop.signal })).rejects.toMatchObject({ code: 'setup_failed', message: 'stopped before the command target was started' });
  });
});
