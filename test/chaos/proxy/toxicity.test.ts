// Toxicity selects connections, and seeded runs select the same ones: a seed replays exactly, a
// different seed does not, 0.5 affects about half, and 0 never affects anyone.
import { afterEach, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { proxied, type ToxicBody } from './support/proxied.js';
import { connect, echoServer, type TestServer } from './support/sockets.js';

const started: { h: Harness; echo: TestServer }[] = [];
afterEach(async () => {
  for (const { h, echo } of started.splice(0)) {
    await h.server.close();
    await echo.close();
  }
});

/**
 * Opens `count` connections one after another through a proxy with `toxic` and returns a string
 * with one letter per connection: `x` if the toxic cut it (no echo), `.` if it echoed normally.
 */
async function pattern(seed: number, toxic: ToxicBody, count: number): Promise<string> {
  const h = await startHarness(seed);
  const echo = await echoServer();
  started.push({ h, echo });
  const listen = await proxied(h, 'rolls', echo.address, [toxic]);
  let out = '';
  for (let i = 0; i < count; i++) {
    const client = await connect(listen);
    client.socket.on('error', () => {});
    client.socket.write('x');
    client.socket.end();
    const seen = await client.closed;
    out += seen.bytes === 1 ? '.' : 'x';
  }
  return out;
}

// limit_data with 0 bytes cuts a connection at its first byte: a cheap, unambiguous "affected".
const cut = (toxicity: number): ToxicBody => ({ type: 'limit_data', toxicity, attributes: { bytes: 0 } });

it('repeats the same toxicity decisions for the same seed', async () => {
  const first = await pattern(42, cut(0.5), 24);
  const second = await pattern(42, cut(0.5), 24);
  const other = await pattern(43, cut(0.5), 24);
  expect(second).toBe(first);
  expect(other).not.toBe(first);
});

it('affects about half of the connections at toxicity 0.5', async () => {
  const rolls = await pattern(7, cut(0.5), 40);
  const affected = [...rolls].filter((c) => c === 'x').length;
  expect(affected).toBeGreaterThanOrEqual(12);
  expect(affected).toBeLessThanOrEqual(28);
});

it('never affects a connection at toxicity 0, even reset_peer', async () => {
  expect(await pattern(7, cut(0), 30)).toBe('.'.repeat(30));
  expect(await pattern(8, { type: 'reset_peer', toxicity: 0, attributes: { timeout: 0 } }, 30)).toBe('.'.repeat(30));
});

it('affects every connection at toxicity 1', async () => {
  expect(await pattern(7, cut(1), 10)).toBe('x'.repeat(10));
});
