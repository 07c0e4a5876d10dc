// The engine's injection listener: sees every injection, in order, even those the bounded log evicted,
// and a listener that throws changes neither the fault nor the other listeners.
import { describe, expect, it } from 'vitest';
import { ChaosEngine, type Injection } from '../../../chaos/src/index.js';

const always = [{ id: 'slow', point: 'dynamodb', injector: { kind: 'latency', ms: 5 }, duration: null }];

describe('engine.on("injection")', () => {
  it('hears every injection in order while the log keeps only its window', () => {
    const engine = new ChaosEngine({ enabled: true, seed: 3, rules: always, logCapacity: 2 });
    const heard: Injection[] = [];
    engine.on('injection', (i) => heard.push(i));
    for (let i = 0; i < 5; i++) engine.decide('dynamodb', { operation: 'PutItem' });
    expect(heard.map((i) => i.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(engine.log.entries().map((i) => i.seq)).toEqual([4, 5]);
  });

  it('stops calling a listener once unsubscribed', () => {
    const engine = new ChaosEngine({ enabled: true, seed: 3, rules: always });
    const heard: number[] = [];
    const off = engine.on('injection', (i) => heard.push(i.seq));
    engine.decide('dynamodb', { operation: 'PutItem' });
    off();
    engine.decide('dynamodb', { operation: 'PutItem' });
    expect(heard).toEqual([1]);
  });

  it('still injects and tells later listeners when one listener throws', () => {
    const warnings: object[] = [];
    const engine = new ChaosEngine({ enabled: true, seed: 3, rules: always, logger: { warn: (f) => warnings.push(f), info: () => undefined } });
    engine.on('injection', () => {
      throw new Error('listener bug');
    });
    const heard: number[] = [];
    engine.on('injection', (i) => heard.push(i.seq));
    expect(engine.decide('dynamodb', { operation: 'PutItem' })?.kind).toBe('latency');
    expect(heard).toEqual([1]);
    expect(warnings.some((w) => 'err' in w)).toBe(true);
  });
});
