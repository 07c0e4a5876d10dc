// `aftershock proxy`: runs the Toxiproxy-compatible server standalone until SIGINT/SIGTERM.
// Flags follow toxiproxy-server's (`--host`, `--port`, `--config`, `--seed`; one dash works too).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startToxiproxyServer, type ToxiproxyServer } from './server.js';

const usage = `usage: aftershock proxy [--host 127.0.0.1] [--port 8474] [--config proxies.json] [--seed n]

  --host    interface for the API and default proxy listeners (default 127.0.0.1)
  --port    API port (default 8474)
  --config  JSON file in the /populate format, loaded at start
  --seed    seed for jitter, slicing and toxicity rolls (same seed, same decisions)`;

/** Options of a CLI run besides argv: where to print, and what stops the server (for tests). */
export interface ProxyCliIo {
  log?: (line: string) => void;
  /** Where a problem goes, as one line (default: stderr). */
  error?: (line: string) => void;
  /** Resolves when the server should stop; default: SIGINT or SIGTERM. */
  stopped?: (server: ToxiproxyServer) => Promise<void>;
}

const untilSignal = (): Promise<void> =>
  new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

/** Runs the CLI; resolves to the process exit code (0 ok, 1 runtime failure, 2 usage error). */
export async function runProxyCli(argv: string[], io: ProxyCliIo = {}): Promise<number> {
  const log = io.log ?? ((line: string) => console.log(line));
  const error = io.error ?? ((line: string) => console.error(line));
  let values: { host?: string; port?: string; config?: string; seed?: string; help?: boolean };
  try {
    // Upstream's flags use a single dash; accept both spellings.
    const args = argv.map((a) => (/^-[a-z]{2,}/.test(a) ? `-${a}` : a));
    values = parseArgs({
      args,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        config: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    error(`aftershock proxy: ${(err as Error).message.replace(/\s*\n\s*/g, ' ')} (see aftershock proxy --help)`);
    return 2;
  }
  if (values.help) {
    log(usage);
    return 0;
  }
  const port = Number(values.port ?? 8474);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || (seed !== undefined && !Number.isSafeInteger(seed))) {
    error('aftershock proxy: --port must be 0–65535 and --seed an integer (see aftershock proxy --help)');
    return 2;
  }
  let server: ToxiproxyServer;
  try {
    server = await startToxiproxyServer({ host: values.host ?? '127.0.0.1', port, seed });
  } catch (err) {
    const taken = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
    error(`aftershock proxy: cannot start the API on ${values.host ?? '127.0.0.1'}:${port}: ${(err as Error).message} (${taken ? 'choose another --port' : 'check --host: an address of this machine'})`);
    return 1;
  }
  log(`Toxiproxy-compatible API listening on ${server.url} (seed ${server.seed})`);
  if (values.config) {
    const loaded = await populateFromFile(server.url, values.config);
    log(loaded);
  }
  await (io.stopped ?? untilSignal)(server);
  await server.close();
  return 0;
}

/** Loads a populate file through the API itself, so it follows exactly the /populate rules. */
async function populateFromFile(url: string, file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return `cannot read config ${file}: ${(error as Error).message}`;
  }
  const response = await fetch(`${url}/populate`, { method: 'POST', body: text });
  const body = (await response.json()) as { proxies?: unknown[]; error?: string };
  return response.ok
    ? `populated ${body.proxies?.length ?? 0} proxies from ${file}`
    : `failed to populate proxies from ${file}: ${body.error ?? response.status}`;
}
