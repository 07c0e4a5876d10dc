// The progress a run prints: on a terminal one line rewritten in place, otherwise plain lines (phases,
// faults, and a tick every five seconds). A tick says what is in flight, so a stalled service shows as
// requests waiting longer and longer, not only as a quiet second with every answer ok.
import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { createProgress } from '../../../scenarios/cli/progress.js';
import { RunRecorder } from '../../../scenarios/runner/run-recorder.js';
import type { RunEvent } from '../../../scenarios/runner/run-events.js';

function sink(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  return { out, text: () => text };
}

const tick = (time: number, extra: Partial<Extract<RunEvent, { type: 'tick' }>> = {}): RunEvent => ({
  type: 'tick',
  time,
  total: 60_000,
  rate: 20,
  success_rate: 1,
  p99_ms: 35,
  deliveries: 20,
  faults: 0,
  in_flight: 2,
  oldest_ms: 40,
  ...extra,
});

it('writes plain lines for phases and faults and a tick every five seconds, with what is in flight', () => {
  const { out, text } = sink();
  const progress = createProgress(out, false, '[s] ');
  progress.onEvent({ type: 'phase', phase: 'fault', time: 2_000 });
  for (let t = 1_000; t <= 11_000; t += 1_000) progress.onEvent(tick(t));
  progress.onEvent({ type: 'fault', action: 'applied', name: 'receiver 503', kind: 'receiver', time: 11_200 });
  progress.done();
  expect(text().split('\n').filter(Boolean)).toEqual([
    '[s] 2s fault',
    '[s] 1s/1m  20 req/s  ok 100.0%  p99 35ms  in flight 2  deliveries 20/s  faults 0',
    '[s] 5s/1m  20 req/s  ok 100.0%  p99 35ms  in flight 2  deliveries 20/s  faults 0',
    '[s] 10s/1m  20 req/s  ok 100.0%  p99 35ms  in flight 2  deliveries 20/s  faults 0',
    '[s] 11.2s fault applied: receiver 503 (receiver)',
  ]);
});

it('says how long the oldest request has waited once it is a second or more, and rewrites one line on a terminal', () => {
  const { out, text } = sink();
  const progress = createProgress(out, true, '');
  progress.onEvent(tick(3_000, { rate: 4, in_flight: 37, oldest_ms: 12_345, p99_ms: 20 }));
  progress.onEvent(tick(4_000, { rate: 0, success_rate: null, p99_ms: null, in_flight: 57, oldest_ms: 13_360 }));
  progress.done();
  expect(text()).toBe(
    '3s/1m  4 req/s  ok 100.0%  p99 20ms  in flight 37 (oldest 12.3s)  deliveries 20/s  faults 0' +
      '\r\x1b[2K' +
      '4s/1m  0 req/s  ok —  p99 —  in flight 57 (oldest 13.3s)  deliveries 20/s  faults 0' +
      '\r\x1b[2K',
  );
});

it('counts the operations sent and not yet answered, and the earliest intended start among them', () => {
  const recorder = new RunRecorder();
  expect(recorder.inFlight()).toEqual({ count: 0, oldestIntended: null });
  recorder.op({ kind: 'op', process: 0, type: 'invoke', f: 'create_event', value: {}, time: 5, intended: 0 });
  recorder.op({ kind: 'op', process: 1, type: 'invoke', f: 'create_event', value: {}, time: 55, intended: 50 });
  recorder.op({ kind: 'op', process: 2, type: 'invoke', f: 'create_event', value: {}, time: 101, intended: 100 });
  recorder.op({ kind: 'op', process: 0, type: 'ok', f: 'create_event', value: {}, time: 120 });
  expect(recorder.inFlight()).toEqual({ count: 2, oldestIntended: 50 });
  recorder.op({ kind: 'op', process: 1, type: 'info', f: 'create_event', value: {}, time: 130 });
  recorder.op({ kind: 'op', process: 2, type: 'fail', f: 'create_event', value: {}, time: 140 });
  expect(recorder.inFlight()).toEqual({ count: 0, oldestIntended: null });
});
