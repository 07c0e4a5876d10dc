// What `npm start` keeps under DATA_DIR so that later starts and other processes on the same folder
// need no extra settings: the secrets key, the generated admin token (sealed with the secrets key),
// and, while the server runs, the embedded store's endpoint (read by `npm run worker`, migrations) and
// the server's own URL (where `npm run worker` follows the wake stream), and the socket that keeps a
// second server off the folder.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SecretBox } from './store/secret-box.js';

/** File names under DATA_DIR. */
export const DATA_FILES = {
  secretsKey: 'secrets.key',
  adminToken: 'admin-token.sealed',
  endpoint: 'dynamodb-endpoint.json',
  server: 'server-url.json',
  /** Part-written event batches still being finished (store/unfinished-journal.ts); usually absent. */
  unfinishedWrites: 'unfinished-writes.json',
  /** Group commits in flight (store/in-flight-log.ts), as `in-flight-writes.<n>`; removed at a clean stop. */
  inFlightWrites: 'in-flight-writes',
  /** A Unix socket the running server listens on: one server per DATA_DIR (see claimDataDir). */
  serverLock: 'server.lock',
} as const;

/** Another server runs on the DATA_DIR this one was given. */
export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string) {
    super(`DATA_DIR ${dataDir} is in use by another running server (it answers on ${join(dataDir, DATA_FILES.serverLock)}); give each server its own DATA_DIR`);
    this.name = 'DataDirInUseError';
  }
}

/**
 * The longest socket path the platform binds whole: `sun_path` holds 108 bytes on Linux and 104 on
 * macOS and the BSDs, with its NUL. Node cuts a longer path short and binds it somewhere else, where
 * the next start would never find it.
 */
const MAX_SOCKET_PATH = process.platform === 'linux' ? 107 : 103;
/**
 * A takeover guard older than this was left by a start killed half-way through it (a takeover takes
 * milliseconds). A start finding a younger one waits for it to go, or to grow this old.
 */
const GUARD_STALE_MS = 2_000;

/**
 * Holds `dataDir` for this server until the returned release is called: the server's journal and log
 * of unfinished writes there are its own, and a second server on the folder would take them over. The
 * hold is a Unix socket bound at DATA_DIR/server.lock, so the kernel lets go of it when the process
 * dies however it dies: a socket file left by a killed server refuses connections and is taken over.
 * (A PID file cannot tell a dead server from a new process that got its PID, as in a restarted
 * container; no lock library offers a hold the kernel ends, short of a native addon.)
 * Makes the folder if need be. Rejects with DataDirInUseError when a live server holds it; resolves to
 * `undefined`, holding nothing, where the folder cannot hold a socket (a path too long for one, a file
 * system without them).
 */
export async function claimDataDir(dataDir: string): Promise<(() => void) | undefined> {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, DATA_FILES.serverLock);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) return undefined;
  let server: Server;
  try {
    server = await bindSocket(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') return undefined;
    const taken = await takeOver(dataDir, path);
    if (!taken) return undefined;
    server = taken;
  }
  // Closing the server removes its socket file.
  let held = true;
  return () => {
    if (held) server.close();
    held = false;
  };
}

/**
 * Binds the socket a killed server left at `path`. Two starts may find the same one: only the start
 * holding the guard (a directory, made atomically) removes it and binds, and the other, once the guard
 * is gone, finds the winner's socket answering.
 */
async function takeOver(dataDir: string, path: string): Promise<Server | undefined> {
  const guard = `${path}.takeover`;
  for (;;) {
    if (await answers(path)) throw new DataDirInUseError(dataDir);
    try {
      mkdirSync(guard);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
      const made = statSync(guard, { throwIfNoEntry: false })?.mtimeMs;
      // Gone meanwhile: try again at once.
      if (made === undefined) continue;
      // Two starts finding the same stale guard could both remove it, one of them the other's new one;
      // that needs a start killed within the milliseconds of a takeover, and is not guarded against.
      if (Math.abs(Date.now() - made) > GUARD_STALE_MS) rmSync(guard, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    try {
      if (await answers(path)) throw new DataDirInUseError(dataDir);
      rmSync(path, { force: true });
      try {
        return await bindSocket(path);
      } catch (err) {
        // A start that found no socket bound it meanwhile.
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new DataDirInUseError(dataDir);
        return undefined;
      }
    } finally {
      rmSync(guard, { recursive: true, force: true });
    }
  }
}

function bindSocket(path: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      server.unref();
      resolve(server);
    });
  });
}

/** Whether a live server listens on the socket at `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Reads a secret from `<dataDir>/secrets.key`, creating it (mode 0600) on first start. */
export function persistedSecretsKey(dataDir: string): string {
  const file = join(dataDir, DATA_FILES.secretsKey);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** The secrets key `npm start` generated under `dataDir`, if any. */
export function readSecretsKey(dataDir: string): string | undefined {
  const file = join(dataDir, DATA_FILES.secretsKey);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/**
 * The admin token generated at the first start on `dataDir`, or a new one. It is stored sealed with
 * the secrets key (AES-256-GCM), not as plain text, and not hashed: the server prints it again on
 * every start and signs dashboard report links with it. A file sealed with another secrets key is
 * replaced by a new token (`minted: true`).
 */
export function persistedAdminToken(dataDir: string, secretsKey: string): { token: string; minted: boolean } {
  const file = join(dataDir, DATA_FILES.adminToken);
  const box = new SecretBox(secretsKey);
  if (existsSync(file)) {
    try {
      return { token: box.open(readFileSync(file, 'utf8').trim()), minted: false };
    } catch {
      // Sealed with a secrets key that is gone: the old token cannot be recovered, so mint a new one.
    }
  }
  const token = `adm_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, box.seal(token), { mode: 0o600 });
  return { token, minted: true };
}

interface PublishedEndpoint {
  endpoint: string;
  pid: number;
}

/**
 * Records the embedded store's endpoint for other processes; returns a function that removes the
 * record again (only if it is still this process's).
 */
export function publishEndpoint(dataDir: string, endpoint: string, pid = process.pid): () => void {
  const file = join(dataDir, DATA_FILES.endpoint);
  writeFileSync(file, JSON.stringify({ endpoint, pid } satisfies PublishedEndpoint));
  return () => {
    if (readPublished(file)?.pid === pid) rmSync(file, { force: true });
  };
}

/**
 * The endpoint of the embedded store a running `npm start` on `dataDir` published, or undefined when
 * there is none or the process that published it is gone (a record left by a killed server).
 */
export function findPublishedEndpoint(dataDir: string): string | undefined {
  const published = readPublished(join(dataDir, DATA_FILES.endpoint));
  return typeof published?.endpoint === 'string' && isAlive(published.pid) ? published.endpoint : undefined;
}

/** A listening server as recorded for workers: its URL and the store (endpoint and tables) it works on. */
export interface PublishedServer {
  url: string;
  endpoint: string;
  tablePrefix: string;
}

/**
 * Records a listening server's URL and store for workers on `dataDir`; returns a function that removes
 * the record again (only if it is still this process's). Several servers on one DATA_DIR (an external
 * store) overwrite each other's record: a worker then follows the last one to start.
 */
export function publishServer(dataDir: string, server: PublishedServer, pid = process.pid): () => void {
  const file = join(dataDir, DATA_FILES.server);
  writeFileSync(file, JSON.stringify({ ...server, pid }));
  return () => {
    if (readPublished(file)?.pid === pid) rmSync(file, { force: true });
  };
}

/**
 * The URL of the server running on `dataDir`, if its process lives and it works on `store` (the same
 * endpoint and tables): a worker on other tables has nothing to learn from its wakes.
 */
export function findPublishedServer(dataDir: string, store: Omit<PublishedServer, 'url'>): string | undefined {
  const record = readPublished(join(dataDir, DATA_FILES.server));
  if (record === undefined || typeof record.url !== 'string' || !isAlive(record.pid)) return undefined;
  return record.endpoint === store.endpoint && record.tablePrefix === store.tablePrefix ? record.url : undefined;
}

/** A record's fields, unchecked but for the publisher's pid. */
function readPublished(file: string): (Record<string, unknown> & { pid: number }) | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return typeof value.pid === 'number' ? { ...value, pid: value.pid } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, owned by another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
