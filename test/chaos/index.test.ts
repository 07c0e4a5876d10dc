// The package entry loads on its own and exposes the API hosts wire: engine, points, config,
// control and metrics.
import { expect, it } from 'vitest';
import * as chaos from '../../chaos/src/index.js';

it('exposes the engine, the fault points, configuration and control from one entry', () => {
  for (const name of [
    'ChaosEngine',
    'parseRules',
    'addChaosMiddleware',
    'chaosDynamoDbPlugin',
    'chaosExpressMiddleware',
    'chaosInterceptor',
    'workerFaultPoint',
    'parseChaosConfig',
    'assertChaosAllowed',
    'chaosControlRouter',
    'createDynamoDbError',
    'ChaosError',
  ] as const) {
    expect(typeof chaos[name]).toBe('function');
  }
  expect(chaos.CHAOS_POINTS).toEqual(['dynamodb', 'http_in', 'http_out', 'worker']);
});
