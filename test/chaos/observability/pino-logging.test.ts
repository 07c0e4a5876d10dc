// The engine logs through a real pino logger: one JSON warn line per injection with the request id,
// one info line when a rule ends.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { ChaosEngine } from '../../../chaos/src/rules/chaos-engine.js';

function pinoLines() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

it('writes a structured warn line per injection and an info line on recovery', async () => {
  const { lines, logger } = pinoLines();
  const engine = new ChaosEngine({ enabled: true, logger, rules: [{ id: 'once', point: 'worker', max_count: 1, injector: { kind: 'pause', ms: 5 } }] });
  engine.decide('worker', { loop: 'delivery' }, { requestId: 'req_abc' });
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  expect(lines).toEqual([
    expect.objectContaining({ level: 40, request_id: 'req_abc', chaos: expect.objectContaining({ event: 'injection', rule: 'once', point: 'worker', injector: 'pause', delay_ms: 5 }) }),
    expect.objectContaining({ level: 30, chaos: expect.objectContaining({ event: 'recovery', rule: 'once', reason: 'exhausted', injections: 1 }) }),
  ]);
});
