// The log of group commits in flight: what a process left open is read back (a line cut short
// skipped), what it settled is not (but for the ends of the last few milliseconds), and the files
// neither grow without bound nor outlive a clean stop.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InFlightLog } from '../../../reference-server/src/store/in-flight-log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function logIn(rotateBytes?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'aftershock-in-flight-log-'));
  dirs.push(dir);
  const path = join(dir, 'in-flight-writes');
  return { dir, path, log: new InFlightLog(path, rotateBytes), files: () => readdirSync(dir).sort() };
}

const call = (id: string) => ({ events: [{ PutRequest: { Item: { tenant_id: { S: 'tnt_a' }, event_id: { S: id } } } }] });

describe('InFlightLog', () => {
  it('gives back the calls begun and not ended, oldest first, and skips a line cut short', () => {
    const { path, log } = logIn();
    const a = log.begin(call('evt_a'));
    log.begin(call('evt_b'));
    log.end(a);
    log.begin(call('evt_c'));
    // A process that died mid-write leaves half a line.
    appendFileSync(`${path}.0`, 'B 9 {"events":[{"PutRe');
    const { calls, files } = InFlightLog.load(path);
    expect(calls).toEqual([call('evt_b'), call('evt_c')]);
    expect(files).toEqual([`${path}.0`]);
    InFlightLog.remove(files);
    expect(InFlightLog.load(path)).toEqual({ calls: [], files: [] });
  });

  it('writes a call\'s end with the next begin, or on its own once no call follows, so an idle server leaves nothing to re-read', async () => {
    const { path, log } = logIn();
    log.end(log.begin(call('evt_a')));
    log.end(log.begin(call('evt_b')));
    // evt_a's end went out with evt_b's begin; evt_b's waits a few milliseconds for a next call.
    expect(InFlightLog.load(path).calls).toEqual([call('evt_b')]);
    log.begin(call('evt_c'));
    expect(InFlightLog.load(path).calls).toEqual([call('evt_c')]);
    log.end(log.begin(call('evt_d')));
    // No call follows: the ends go on their own (evt_c's is still open).
    await expect.poll(() => InFlightLog.load(path).calls, { timeout: 2_000 }).toEqual([call('evt_c')]);
    expect(readFileSync(`${path}.0`, 'utf8')).toMatch(/\nE 3\.\n$/);
  });

  it('reads an end cut short as no end at all, so it cannot end another call', () => {
    const { path } = logIn();
    // `E 12.` cut after `E 1`, then the next write on a line of its own: call 1 stays open.
    appendFileSync(`${path}.0`, `B 1 ${JSON.stringify(call('evt_1'))}\nB 12 ${JSON.stringify(call('evt_12'))}\nE 1\nE 12.\n`);
    expect(InFlightLog.load(path).calls).toEqual([call('evt_1')]);
  });

  it('writes after the files an earlier run left, whose calls its ends never touch', () => {
    const { path, files } = logIn();
    appendFileSync(`${path}.0`, `B 0 ${JSON.stringify(call('evt_old'))}\n`);
    const log = new InFlightLog(path);
    log.end(log.begin(call('evt_new')));
    log.close();
    expect(files()).toEqual(['in-flight-writes.0']);
    expect(InFlightLog.load(path).calls).toEqual([call('evt_old')]);
  });

  it('moves to a new file once one has grown, and removes the old one once nothing in it is open', async () => {
    // Each call's line is ~90 bytes: two of them fill a file.
    const { path, log, files } = logIn(150);
    const open = [log.begin(call('evt_0')), log.begin(call('evt_1'))];
    log.end(open[1]);
    // Past the limit with evt_0 open: the next call goes to a new file, and evt_1's end stays with the old one.
    const later = log.begin(call('evt_2'));
    expect(files()).toEqual(['in-flight-writes.0', 'in-flight-writes.1']);
    expect(InFlightLog.load(path).calls).toEqual([call('evt_0'), call('evt_2')]);
    log.end(open[0]);
    await expect.poll(files).toEqual(['in-flight-writes.1']);
    log.end(later);
    // Ten more calls, each settled before the next: never more than two files, and nothing to re-read
    // once they stop.
    for (let i = 3; i < 13; i++) log.end(log.begin(call(`evt_${i}`)));
    await expect.poll(() => files().length).toBe(1);
    await expect.poll(() => InFlightLog.load(path).calls).toEqual([]);
  });

  it('at a clean stop removes its file, or keeps it for the next start while a call is still open', () => {
    const idle = logIn();
    idle.log.end(idle.log.begin(call('evt_a')));
    idle.log.close();
    expect(idle.files()).toEqual([]);

    const busy = logIn();
    const entry = busy.log.begin(call('evt_b'));
    busy.log.close();
    // Settling after the stop changes nothing on disk, and nothing more is begun.
    busy.log.end(entry);
    expect(busy.log.begin(call('evt_c'))).toBeUndefined();
    expect(InFlightLog.load(busy.path).calls).toEqual([call('evt_b')]);
  });

  it('at a clean stop keeps a call open in a file it had moved on from, whenever that call settles', async () => {
    // Each call's line is ~90 bytes: the second begin goes to a new file.
    const { path, log, files } = logIn(50);
    const first = log.begin(call('evt_a'));
    const second = log.begin(call('evt_b'));
    expect(files()).toEqual(['in-flight-writes.0', 'in-flight-writes.1']);
    log.close();
    log.end(first);
    log.end(second);
    await log.removed();
    expect(InFlightLog.load(path).calls).toEqual([call('evt_a'), call('evt_b')]);
  });

  it('reports a log it cannot write once, and lets the calls go on', () => {
    const { dir, log } = logIn();
    rmSync(dir, { recursive: true });
    const errors: unknown[] = [];
    log.onError = (err) => errors.push(err);
    expect(log.begin(call('evt_a'))).toBeUndefined();
    expect(log.begin(call('evt_b'))).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/ENOENT/);
  });

  it('reports a full disk once, lets the calls go on, and reads a line after a cut one', () => {
    const { dir, path, log } = logIn();
    symlinkSync('/dev/full', `${path}.0`);
    const errors: unknown[] = [];
    log.onError = (err) => errors.push(err);
    expect(log.begin(call('evt_a'))).toBeUndefined();
    expect(log.begin(call('evt_b'))).toBeUndefined();
    expect(errors.map(String)).toEqual([expect.stringMatching(/ENOSPC/)]);
    // What a write cut short leaves, and the line written after it on a line of its own.
    rmSync(`${path}.0`);
    appendFileSync(`${path}.0`, `B 0 {"events":[{"PutRe\nB 1 ${JSON.stringify(call('evt_c'))}\n`);
    expect(InFlightLog.load(join(dir, 'in-flight-writes')).calls).toEqual([call('evt_c')]);
  });

  it('writes each call as one line of JSON the store would accept back', () => {
    const { path, log } = logIn();
    log.begin(call('evt_a'));
    const [line] = readFileSync(`${path}.0`, 'utf8').split('\n');
    expect(line).toBe(`B 0 ${JSON.stringify(call('evt_a'))}`);
  });
});
