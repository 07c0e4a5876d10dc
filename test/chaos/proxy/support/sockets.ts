// Real loopback servers and clients for proxy tests: an echo server, a server that sends a payload
// and closes, and a client that records what it receives, when, and how the connection ended.
import { readdir, readFile, readlink } from 'node:fs/promises';
import net from 'node:net';

/** A listening TCP server on 127.0.0.1 and its "host:port". */
export interface TestServer {
  address: string;
  server: net.Server;
  close(): Promise<void>;
}

/** Starts a TCP server on 127.0.0.1:0 with `onConnection`; close() also drops open sockets. */
export async function listen(onConnection: (socket: net.Socket) => void): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An echo server: returns every byte it gets and ends when the client ends. */
export const echoServer = (): Promise<TestServer> => listen((socket) => socket.pipe(socket));

/** A server that writes `payload` to every client, then ends (after `closeAfterMs` if given). */
export const sendingServer = (payload: Buffer): Promise<TestServer> => listen((socket) => socket.end(payload));

/** What a client saw. */
export interface Received {
  chunks: Buffer[];
  bytes: number;
  /** ms from connect to first byte, last byte and close; undefined if not seen. */
  firstAt?: number;
  lastAt?: number;
  endedAt?: number;
  closedAt?: number;
  error?: string;
}

/** A connected client that records everything it receives. */
export interface Client {
  socket: net.Socket;
  received: Received;
  /** Resolves when the socket has closed (for any reason). */
  closed: Promise<Received>;
  data(): Buffer;
}

/** Connects to "host:port" and starts recording; rejects if the connection fails. */
export function connect(address: string): Promise<Client> {
  const [host, port] = splitAddress(address);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    const start = performance.now();
    const received: Received = { chunks: [], bytes: 0 };
    const since = (): number => performance.now() - start;
    socket.on('data', (chunk: Buffer) => {
      received.chunks.push(chunk);
      received.bytes += chunk.length;
      received.firstAt ??= since();
      received.lastAt = since();
    });
    socket.on('end', () => (received.endedAt = since()));
    const closed = new Promise<Received>((done) =>
      socket.on('close', () => {
        received.closedAt = since();
        done(received);
      }),
    );
    socket.once('error', (error: NodeJS.ErrnoException) => {
      received.error = error.code ?? error.message;
      reject(error);
    });
    socket.once('connect', () => resolve({ socket, received, closed, data: () => Buffer.concat(received.chunks) }));
  });
}

/** Tries to connect; resolves to the error code, or 'connected' (then closes). */
export function connectOutcome(address: string): Promise<string> {
  const [host, port] = splitAddress(address);
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/**
 * The TCP ports process `pid` listens on, read from /proc (its socket inodes against the kernel's
 * socket tables); undefined where there is no /proc. Unlike a connection attempt, this cannot mistake
 * another process that took a freed port (another test, in parallel) for one of `pid`'s listeners.
 */
export async function listeningPorts(pid: number): Promise<Set<number> | undefined> {
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  const inodes = new Set<string>();
  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    // Columns: sl, local address (hex ip:port), remote address, state (0A = LISTEN), …, inode (10th).
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [local, state, inode] = [cols[1], cols[3], cols[9]];
      if (state === '0A' && local && inode && inodes.has(inode)) ports.add(parseInt(local.slice(local.lastIndexOf(':') + 1), 16));
    }
  }
  return ports;
}

/** "host:port" → [host, port]. */
export function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}

/** Deterministic bytes for payload checks. */
export function pattern(size: number): Buffer {
  const buffer = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buffer[i] = (i * 31 + 7) & 0xff;
  return buffer;
}
