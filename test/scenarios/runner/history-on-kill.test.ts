// A run killed outright (SIGKILL: no rollback, no journal) still leaves its history: history.jsonl is
// appended while the run goes, and what is on disk parses and measures like a finished run's.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadHistory } from '../../../scenarios/history/jsonl.js';
import { measureHistory } from '../../../scenarios/measure/history-measurer.js';
import { waitFor } from '../../support/wait-for.js';
import { FAKE_ADAPTER, startFakeEventService, type FakeEventService } from '../support/fake-event-service.js';

let service: FakeEventService | undefined;
afterEach(async () => {
  await service?.close();
});

/** The lines on disk so far (none while the file does not exist). */
async function lines(path: string): Promise<string[]> {
  if (!existsSync(path)) return [];
  return (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');
}

it('leaves the history up to a kill -9 on disk, readable by the history and measurement code', async () => {
  service = await startFakeEventService();
  const dir = await mkdtemp(join(tmpdir(), 'aftershock-kill-'));
  const file = join(dir, 'long.json');
  await writeFile(
    file,
    JSON.stringify({
      title: 'killed',
      target: { kind: 'url', base_url: service.url },
      adapter: FAKE_ADAPTER,
      load: { rate: 20 },
      phases: { baseline: '500ms', fault: '30s', recovery: '1s' },
      method: [{ at: '500ms', for: '30s', fault: { receiver: { status: 503 } } }],
    }),
  );
  const out = join(dir, 'out');
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/aftershock.ts', 'run', file, '--out', out, '--no-progress'], {
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const path = join(out, 'history.jsonl');
    // Mid-fault: the fault window has opened and ops have kept coming after it.
    await waitFor(async () => {
      const seen = await lines(path);
      const start = seen.findIndex((l) => l.includes('"kind":"fault"'));
      return start >= 0 && seen.slice(start).filter((l) => l.includes('"type":"ok"')).length >= 20;
    }, { timeoutMs: 20_000, message: 'a fault start followed by 20 answered operations in history.jsonl' });
    child.kill('SIGKILL');
    await exited;

    const history = await loadHistory(path);
    expect(existsSync(join(out, 'journal.json'))).toBe(false);
    const faults = history.filter((r) => r.kind === 'fault');
    expect(faults.map((f) => f.type)).toEqual(['start']);
    const invokes = history.filter((r) => r.kind === 'op' && r.type === 'invoke');
    expect(invokes.length).toBeGreaterThan(20);
    const buckets = measureHistory(history).opBuckets('create_event');
    expect(buckets.reduce((n, b) => n + b.ok, 0)).toBeGreaterThanOrEqual(20);
  } finally {
    child.kill('SIGKILL');
  }
});
