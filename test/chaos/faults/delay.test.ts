// The cancellable wait: resolves after its time, rejects at once on abort.
import { expect, it } from 'vitest';
import { delay } from '../../../chaos/src/faults/delay.js';
import { rejection } from '../support/rejection.js';

it('resolves after the delay', async () => {
  const started = performance.now();
  await delay(60);
  expect(performance.now() - started).toBeGreaterThanOrEqual(55);
});

it('rejects with an AbortError as soon as the signal aborts', async () => {
  const controller = new AbortController();
  const waiting = rejection(delay(20_000, controller.signal));
  controller.abort();
  expect((await waiting).name).toBe('AbortError');
});

it('rejects immediately when the signal has already aborted', async () => {
  expect((await rejection(delay(20_000, AbortSignal.abort()))).name).toBe('AbortError');
});
