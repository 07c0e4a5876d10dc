// The CPU profile summary behind docs/BENCHMARKS.md's "where the time goes": shares of busy time by
// part, with idle time and a stopped process's pause (one sample spanning it) left out.
import { expect, it } from 'vitest';
import { sharesTable, summarise } from '../../bench/profile-summary.js';

const node = (id: number, functionName: string, url = '') => ({ id, callFrame: { functionName, url } });
const profile = {
  nodes: [node(1, '(root)'), node(2, '(idle)'), node(3, 'deliver', 'file:///app/reference-server/src/workers/attempt-delivery.ts'), node(4, 'send', 'file:///app/node_modules/undici/index.js')],
  // Deltas in µs: 3 ms in the project, 1 ms in undici, 2 ms idle, then one sample after a 5 s pause.
  samples: [3, 3, 3, 4, 2, 2, 3],
  timeDeltas: [1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 5_000_000],
  startTime: 0,
  endTime: 5_006_000,
};

it('shares busy time by part, leaving idle time and a pause out', () => {
  const ms = summarise(profile);
  expect(ms.get('project: workers, delivery')).toBe(3);
  expect(ms.get('undici')).toBe(1);
  expect(ms.get('idle')).toBe(2);
  expect(ms.get('stopped')).toBe(5_000);
  const table = sharesTable(ms);
  expect(table).toContain('| project: workers, delivery | 75.0 % |');
  expect(table).toContain('| undici | 25.0 % |');
  expect(table).toContain('stopped 5.0 s (left out)');
});

it('leaves out the first seconds when asked (start-up)', () => {
  const ms = summarise(profile, 3);
  expect(ms.get('project: workers, delivery')).toBe(1);
  expect(ms.get('undici')).toBe(1);
});

it("splits the store process into dynalite's checks, the rest of dynalite, and its storage", () => {
  const store = {
    nodes: [
      node(1, 'checkTypes', 'file:///app/node_modules/dynalite/validations/index.js'),
      node(2, 'putItem', 'file:///app/node_modules/dynalite/actions/putItem.js'),
      node(3, 'insert', 'file:///app/node_modules/functional-red-black-tree/rbtree.js'),
      node(4, 'decode', 'file:///app/node_modules/level-transcoder/lib/formats.js'),
    ],
    samples: [1, 2, 2, 3, 4],
    timeDeltas: [1_000, 1_000, 1_000, 1_000, 1_000],
  };
  const ms = summarise(store);
  expect(ms.get('dynalite: validating requests')).toBe(1);
  expect(ms.get('dynalite: actions, keys, indexes')).toBe(2);
  expect(ms.get('dynalite storage (level, in-memory tree, encoding)')).toBe(2);
});
