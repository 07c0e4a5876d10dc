// Calls made inside outsideChaos get no fault, however deep in their async chain; calls outside do.
import { expect, it } from 'vitest';
import { ChaosEngine } from '../../../chaos/src/rules/chaos-engine.js';
import { isOutsideChaos, outsideChaos } from '../../../chaos/src/rules/outside-chaos.js';

it('decides no fault for calls made inside outsideChaos, also after an await, and draws none of the rule', async () => {
  const engine = new ChaosEngine({ enabled: true, seed: 'outside', rules: [{ id: 'all', point: 'dynamodb', injector: { kind: 'dynamodb_error', error: 'ThrottlingException' } }] });
  const inside = await outsideChaos(async () => {
    await Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 1));
    return { outside: isOutsideChaos(), injection: engine.decide('dynamodb', { operation: 'PutItem', table: ['audit'] }) };
  });
  expect(inside).toEqual({ outside: true, injection: null });
  expect(engine.listRules()[0]?.count).toBe(0);
  expect(isOutsideChaos()).toBe(false);
  expect(engine.decide('dynamodb', { operation: 'PutItem', table: ['audit'] })?.rule).toBe('all');
});
