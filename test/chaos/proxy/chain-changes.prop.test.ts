// Property: whatever sequence of toxic additions, updates and removals happens while data flows, a
// chain of non-destructive toxics delivers every byte, in order, and no API call blocks.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { proxied } from './support/proxied.js';
import { connect, echoServer, pattern, type TestServer } from './support/sockets.js';
import { waitFor } from '../../support/wait-for.js';

let h: Harness;
let echo: TestServer;
let listen: string;

beforeAll(async () => {
  h = await startHarness(17);
  echo = await echoServer();
  listen = await proxied(h, 'echo', echo.address);
});
afterAll(async () => {
  await h.server.close();
  await echo.close();
});

const toxic = fc.oneof(
  fc.record({ type: fc.constant('latency'), attributes: fc.record({ latency: fc.nat(30), jitter: fc.nat(10) }) }),
  fc.record({ type: fc.constant('bandwidth'), attributes: fc.record({ rate: fc.integer({ min: 500, max: 5000 }) }) }),
  fc.record({
    type: fc.constant('slicer'),
    attributes: fc.record({ average_size: fc.integer({ min: 1, max: 200 }), size_variation: fc.nat(50), delay: fc.nat(200) }),
  }),
  fc.record({ type: fc.constant('slow_close'), attributes: fc.record({ delay: fc.nat(20) }) }),
  fc.record({ type: fc.constant('noop'), attributes: fc.constant({}) }),
);
const op = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), toxic, stream: fc.constantFrom('upstream', 'downstream'), toxicity: fc.constantFrom(0, 0.5, 1) }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), toxicity: fc.constantFrom(0, 1) }),
  fc.record({ kind: fc.constant('write' as const), size: fc.integer({ min: 1, max: 20_000 }) }),
);

it('delivers every byte in order through any sequence of live chain changes', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), async (ops) => {
      const client = await connect(listen);
      const payload = pattern(ops.reduce((n, o) => n + (o.kind === 'write' ? o.size : 0), 0) + 1);
      const names: string[] = [];
      let offset = 0;
      let slowest = 0;
      for (const [i, o] of ops.entries()) {
        const started = Date.now();
        if (o.kind === 'write') {
          client.socket.write(payload.subarray(offset, offset + o.size));
          offset += o.size;
        } else if (o.kind === 'add') {
          const name = `r${run}t${i}`;
          const added = await h.call('POST', '/proxies/echo/toxics', { ...o.toxic, name, stream: o.stream, toxicity: o.toxicity });
          if (added.status === 200) names.push(name);
        } else if (names.length > 0) {
          const name = names[o.pick % names.length]!;
          if (o.kind === 'remove') {
            await h.call('DELETE', `/proxies/echo/toxics/${name}`);
            names.splice(names.indexOf(name), 1);
          } else {
            await h.call('PATCH', `/proxies/echo/toxics/${name}`, { toxicity: o.toxicity });
          }
        }
        slowest = Math.max(slowest, Date.now() - started);
      }
      client.socket.end(payload.subarray(offset));
      await waitFor(() => client.received.bytes >= payload.length, { timeoutMs: 8000, message: 'every byte echoed' });
      await h.call('POST', '/reset');
      run += 1;
      client.socket.destroy();
      expect(client.data().equals(payload)).toBe(true);
      expect(slowest).toBeLessThan(1000);
    }),
    { numRuns: 8, seed: 20261122, endOnFailure: true },
  );
});

const anyToxic = fc.oneof(
  toxic,
  fc.record({ type: fc.constant('timeout'), attributes: fc.record({ timeout: fc.nat(300) }) }),
  fc.record({ type: fc.constant('reset_peer'), attributes: fc.record({ timeout: fc.nat(50) }) }),
  fc.record({ type: fc.constant('limit_data'), attributes: fc.record({ bytes: fc.nat(60_000) }) }),
);

it('with any toxics, what arrives is a prefix of what was sent and the connection always finishes', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.record({ kind: fc.constant('add' as const), toxic: anyToxic, stream: fc.constantFrom('upstream', 'downstream') }),
          fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
          fc.record({ kind: fc.constant('write' as const), size: fc.integer({ min: 1, max: 20_000 }) }),
        ),
        { minLength: 3, maxLength: 15 },
      ),
      async (ops) => {
        const client = await connect(listen);
        client.socket.on('error', () => {});
        const payload = pattern(ops.reduce((n, o) => n + (o.kind === 'write' ? o.size : 0), 0) + 1);
        const names: string[] = [];
        let offset = 0;
        for (const [i, o] of ops.entries()) {
          if (o.kind === 'write') {
            if (!client.socket.destroyed) client.socket.write(payload.subarray(offset, offset + o.size));
            offset += o.size;
          } else if (o.kind === 'add') {
            const name = `d${run}t${i}`;
            if ((await h.call('POST', '/proxies/echo/toxics', { ...o.toxic, name, stream: o.stream })).status === 200) names.push(name);
          } else if (names.length > 0) {
            const [name] = names.splice(o.pick % names.length, 1);
            await h.call('DELETE', `/proxies/echo/toxics/${name}`);
          }
        }
        if (!client.socket.destroyed) client.socket.end(payload.subarray(offset));
        await h.call('POST', '/reset');
        run += 1;
        await waitFor(() => client.received.closedAt !== undefined, { timeoutMs: 5000, message: 'the connection to finish' });
        expect(client.data().equals(payload.subarray(0, client.received.bytes))).toBe(true);
      },
    ),
    { numRuns: 8, seed: 7, endOnFailure: true },
  );
});
