// Loopback ports for tests that need a port before anything listens on it (a command's ready URL) or
// one where nothing listens (connection refused). Taking one from listen(0) and closing it leaves it
// open to any other suite's listen(0) or outgoing connection until it is used (a command-target run
// once lost its port that way), so these come from below the kernel's ephemeral range, which neither
// ever hands out.
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

/** Start of the kernel's ephemeral port range (Linux; 32768 elsewhere). */
async function ephemeralLow(): Promise<number> {
  const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768');
  return Number(range.trim().split(/\s+/)[0]) || 32768;
}

/**
 * A loopback port nothing listens on, below the ephemeral range.
 * @example const port = await unusedPort(); // ECONNREFUSED at http://127.0.0.1:${port}/ until the test listens there
 */
export async function unusedPort(): Promise<number> {
  const low = await ephemeralLow();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = randomInt(20_000, Math.max(20_001, low));
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
  throw new Error('no unused loopback port between 20000 and the ephemeral range');
}
