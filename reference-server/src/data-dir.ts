// What `npm start` keeps under DATA_DIR so that later starts and other processes on the same folder
// need no extra settings: the secrets key, the generated admin token (sealed with the secrets key),
// and the embedded store's endpoint while the server runs (read by `npm run worker`, migrations).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SecretBox } from './store/secret-box.js';

/** File names under DATA_DIR. */
export const DATA_FILES = {
  secretsKey: 'secrets.key',
  adminToken: 'admin-token.sealed',
  endpoint: 'dynamodb-endpoint.json',
} as const;

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
  return published !== undefined && isAlive(published.pid) ? published.endpoint : undefined;
}

function readPublished(file: string): PublishedEndpoint | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<PublishedEndpoint>;
    return typeof value.endpoint === 'string' && typeof value.pid === 'number' ? { endpoint: value.endpoint, pid: value.pid } : undefined;
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
