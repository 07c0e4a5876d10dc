// What `npm start` keeps under DATA_DIR: a published endpoint is found only while its publisher
// lives, is removed only by its publisher, the admin token survives only with its secrets key, and the
// folder's socket is held by one server, even when two starts find a dead server's socket at once.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { claimDataDir, DataDirInUseError, findPublishedEndpoint, findPublishedServer, persistedAdminToken, publishEndpoint, publishServer } from '../../reference-server/src/data-dir.js';

const dir = mkdtempSync(join(tmpdir(), 'aftershock-data-dir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A pid that certainly belongs to no running process: one that has just exited.
const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;

it('finds a published endpoint while its publisher runs, and ignores one left by a dead process', () => {
  const unpublish = publishEndpoint(dir, 'http://127.0.0.1:4567');
  expect(findPublishedEndpoint(dir)).toBe('http://127.0.0.1:4567');
  unpublish();
  expect(findPublishedEndpoint(dir)).toBeUndefined();
  publishEndpoint(dir, 'http://127.0.0.1:4568', deadPid);
  expect(findPublishedEndpoint(dir)).toBeUndefined();
});

it('leaves another publisher\'s record in place when an older one unpublishes', () => {
  const unpublishOld = publishEndpoint(dir, 'http://127.0.0.1:1111', deadPid);
  publishEndpoint(dir, 'http://127.0.0.1:2222');
  unpublishOld();
  expect(findPublishedEndpoint(dir)).toBe('http://127.0.0.1:2222');
});

it('finds a published server only while it lives and only for a worker on the same store', () => {
  const store = { endpoint: 'http://127.0.0.1:4567', tablePrefix: 'triggers-api-' };
  const unpublish = publishServer(dir, { url: 'http://127.0.0.1:8080', ...store });
  expect(findPublishedServer(dir, store)).toBe('http://127.0.0.1:8080');
  // Other tables, or another store: that server's wakes are about work this worker never sees.
  expect(findPublishedServer(dir, { ...store, tablePrefix: 'other-' })).toBeUndefined();
  expect(findPublishedServer(dir, { ...store, endpoint: 'http://127.0.0.1:9999' })).toBeUndefined();
  unpublish();
  expect(findPublishedServer(dir, store)).toBeUndefined();
  publishServer(dir, { url: 'http://127.0.0.1:8081', ...store }, deadPid);
  expect(findPublishedServer(dir, store)).toBeUndefined();
});

it('keeps the admin token sealed with the secrets key, and mints a new one when that key changes', () => {
  const key = 'k'.repeat(32);
  const first = persistedAdminToken(dir, key);
  expect(first.minted).toBe(true);
  expect(readFileSync(join(dir, 'admin-token.sealed'), 'utf8')).not.toContain(first.token);
  expect(persistedAdminToken(dir, key)).toEqual({ token: first.token, minted: false });
  const other = persistedAdminToken(dir, 'o'.repeat(32));
  expect(other.minted).toBe(true);
  expect(other.token).not.toBe(first.token);
});

/** A folder whose server.lock is a socket left by a server killed with SIGKILL. */
function folderWithDeadServer(name: string): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  const script = `require('node:net').createServer().listen(${JSON.stringify(join(folder, 'server.lock'))}, () => process.kill(process.pid, 'SIGKILL'))`;
  expect(spawnSync(process.execPath, ['-e', script]).signal).toBe('SIGKILL');
  expect(existsSync(join(folder, 'server.lock'))).toBe(true);
  return folder;
}

it('lets one of two starts take over a dead server\'s socket, and refuses the other', async () => {
  for (let round = 0; round < 5; round++) {
    const folder = folderWithDeadServer(`race-${round}`);
    const claims = await Promise.allSettled([claimDataDir(folder), claimDataDir(folder)]);
    const held = claims.flatMap((c) => (c.status === 'fulfilled' && c.value ? [c.value] : []));
    const refused = claims.flatMap((c) => (c.status === 'rejected' ? [c.reason as unknown] : []));
    expect(held).toHaveLength(1);
    expect(refused).toEqual([expect.any(DataDirInUseError)]);
    held[0]!();
  }
});

it('holds nothing where the socket\'s path is too long to bind whole, and binds nothing elsewhere', async () => {
  const folder = join(dir, 'x'.repeat(Math.max(1, 110 - dir.length)));
  mkdirSync(folder);
  const before = readdirSync(dir).sort();
  expect(await claimDataDir(folder)).toBeUndefined();
  expect(readdirSync(folder)).toEqual([]);
  expect(readdirSync(dir).sort()).toEqual(before);
});

it('takes over after a start killed half-way through a takeover, once its guard is old enough, not refusing', async () => {
  for (const ageS of [60, 1.5]) {
    const folder = folderWithDeadServer(`guard-${ageS}`);
    const guard = join(folder, 'server.lock.takeover');
    mkdirSync(guard);
    const madeAt = Date.now() / 1000 - ageS;
    utimesSync(guard, madeAt, madeAt);
    const release = await claimDataDir(folder);
    expect(release).toEqual(expect.any(Function));
    expect(existsSync(guard)).toBe(false);
    release!();
  }
});
