// docs/RUN_OUTPUTS.md cannot rot: each of its jq recipes runs in the directory of a real run, against a
// service that loses every 4th event and delivers one twice at once, and must agree with the journal.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Journal } from '../../scenarios/runner/journal.js';
import { runScenario } from '../../scenarios/runner/run-scenario.js';
import type { ScenarioInput } from '../../scenarios/scenario/scenario-schema.js';
import { FAKE_ADAPTER, startFakeEventService, type FakeEventService } from './support/fake-event-service.js';

const doc = readFileSync(resolve(import.meta.dirname, '../../docs/RUN_OUTPUTS.md'), 'utf8');

/** The recipe named `name` (a ```bash <name> block), run with bash in `dir`. */
async function recipe(name: string, dir: string): Promise<{ code: number; lines: string[] }> {
  const block = new RegExp('```bash ' + name + '\\n([\\s\\S]*?)```').exec(doc)?.[1];
  if (!block) throw new Error(`docs/RUN_OUTPUTS.md has no recipe named ${name}`);
  const lines = (stdout: string) => stdout.split('\n').filter(Boolean);
  return promisify(execFile)('bash', ['-euo', 'pipefail', '-c', block], { cwd: dir, timeout: 10_000 }).then(
    (r) => ({ code: 0, lines: lines(r.stdout) }),
    (err: { code: number; stdout: string }) => ({ code: err.code, lines: lines(err.stdout ?? '') }),
  );
}

let service: FakeEventService;
let journal: Journal;
beforeAll(async () => {
  service = await startFakeEventService({ loseEvery: 4, doubleDeliver: 3 });
  const scenario: ScenarioInput = {
    title: 'outputs',
    target: { kind: 'url', base_url: service.url },
    adapter: FAKE_ADAPTER as ScenarioInput['adapter'],
    load: { rate: 20 },
    phases: { baseline: '1s', fault: '1s', recovery: '3s' },
    steady_state: [{ name: 'ingest ok', metric: 'success_rate', tolerance: '>= 0.99' }],
    method: [{ at: '1s', for: '1s', fault: { receiver: { status: 503 } } }],
    gates: [{ recovery_time: '<= 2s', probes: ['ingest ok'], hold: '1s' }, { invariants: ['no_lost_events', 'no_concurrent_double_delivery'] }],
    quiesce: '2s',
  };
  journal = await runScenario(scenario, { out: await mkdtemp(join(tmpdir(), 'aftershock-outputs-')), seed: 5 });
}, 30_000);
afterAll(async () => service?.close());

const checker = (name: string) => journal.checkers.find((c) => c.name === name)!;

it('lists the failed gates', async () => {
  const { code, lines } = await recipe('failed-gates', journal.outputs.dir);
  expect(code).toBe(0);
  expect(lines).toEqual(journal.gates.filter((g) => !g.passed && g.judged !== false).map((g) => `${g.name}: ${g.detail}`));
  expect(lines.some((l) => l.startsWith('no_lost_events'))).toBe(true);
});

it('gates on one probe\'s recovery time with its exit code', async () => {
  const [ingest] = journal.recovery;
  expect(ingest?.probe).toBe('ingest ok');
  const { code } = await recipe('recovery', journal.outputs.dir);
  expect(code).toBe(ingest!.recovery_ms !== null && ingest!.recovery_ms <= 2000 ? 0 : 1);
});

it('lists every lost event, as many as the checker counted', async () => {
  const { code, lines } = await recipe('lost-events', journal.outputs.dir);
  expect(code).toBe(0);
  const lost = checker('no_lost_events');
  expect(lost.counts.lost).toBeGreaterThan(5);
  expect(lines).toHaveLength(lost.counts.lost!);
  for (const example of lost.examples) expect(lines).toContain(example.event_id);
});

it('refuses to list lost events from a history with no read-back, instead of listing every event', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'aftershock-outputs-stopped-'));
  const history = readFileSync(journal.outputs.history, 'utf8').split('\n').filter((l) => l !== '' && JSON.parse(l).kind !== 'final');
  await writeFile(join(dir, 'history.jsonl'), `${history.join('\n')}\n`);
  const { code, lines } = await recipe('lost-events', dir);
  expect(code).not.toBe(0);
  expect(lines).toEqual([]);
});

it('lists the delivery ids received more than once', async () => {
  const { code, lines } = await recipe('repeated-deliveries', journal.outputs.dir);
  expect(code).toBe(0);
  const doubles = checker('no_concurrent_double_delivery');
  expect(lines).toHaveLength(doubles.counts.concurrent! + doubles.counts.sequential_duplicates!);
  expect(lines[0]).toMatch(/ 2$/);
});

it('prints the requests whose outcome is unknown, one JSON object per line', async () => {
  const { code, lines } = await recipe('unknown-outcomes', journal.outputs.dir);
  expect(code).toBe(0);
  expect(lines).toHaveLength(checker('no_lost_events').counts.info!);
  for (const line of lines) expect(JSON.parse(line)).toHaveProperty('f');
});
