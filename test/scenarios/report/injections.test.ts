// Injection counts per method step: a chaos rule's count from its end record, the receiver's faulted
// answers inside its window, one per kill, and "not counted" for a proxy toxic.
import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../../scenarios/history/history.js';
import { injectionRows } from '../../../scenarios/report/injections.js';
import type { Activity } from '../../../scenarios/runner/timeline.js';

const activity = (name: string, kind: string, started: number | undefined, healed: number | undefined, type: Activity['type'] = 'fault'): Activity => ({
  name,
  type,
  kind,
  planned: { start: started ?? 0, end: healed },
  ...(started === undefined ? {} : { started }),
  ...(healed === undefined ? {} : { healed }),
  status: started === undefined ? 'failed' : 'healed',
});
const receipt = (start: number, status: number): HistoryRecord => ({ kind: 'receipt', delivery_id: `d${start}`, event_id: `e${start}`, webhook_id: 'w', start, end: start + 1, status });

describe('injectionRows', () => {
  it('counts each kind of step the way it can be counted', () => {
    const history: HistoryRecord[] = [
      { kind: 'fault', id: 'aftershock-7-1', type: 'start', fault: 'chaos:dynamodb', time: 1000 },
      { kind: 'fault', id: 'aftershock-7-1', type: 'end', fault: 'chaos:dynamodb', detail: { injections: 42 }, time: 3000 },
      receipt(1500, 200),
      receipt(2100, 503),
      receipt(2200, 0),
      receipt(3200, 503),
    ];
    const rows = injectionRows(
      {
        seed: 7,
        activities: [
          activity('throttle', 'chaos:dynamodb', 1000, 3000),
          activity('outage', 'receiver', 2000, 3000),
          activity('kill', 'kill:worker', 2500, 2500, 'action'),
          activity('latency', 'proxy:dynamodb', 1000, 2000),
          activity('refused', 'chaos:http', undefined, undefined),
        ],
      },
      history,
    );
    expect(rows.map((r) => [r.name, r.count, r.unit])).toEqual([
      ['throttle', 42, 'injections'],
      ['outage', 2, 'receipts answered non-2xx'],
      ['kill', 1, 'kill'],
      ['latency', null, 'toxic in force (not counted per connection)'],
      ['refused', 0, 'not applied'],
    ]);
  });

  it('says a worker rule relayed to worker processes was not counted, rather than showing a count of 0', () => {
    const history: HistoryRecord[] = [
      { kind: 'fault', id: 'aftershock-7-1', type: 'start', fault: 'chaos:worker', time: 1000 },
      { kind: 'fault', id: 'aftershock-7-1', type: 'end', fault: 'chaos:worker', detail: { injections_in: 'worker processes' }, time: 3000 },
    ];
    const [row] = injectionRows({ seed: 7, activities: [activity('crash', 'chaos:worker', 1000, 3000)] }, history);
    expect(row).toMatchObject({ count: null, unit: 'injections (made in the worker processes, not read back)' });
  });

  it('counts the receipts a delay or a trickle held, which answer 200, rather than non-2xx answers', () => {
    const held = (start: number, ms: number): HistoryRecord => ({ kind: 'receipt', delivery_id: `d${start}`, event_id: `e${start}`, webhook_id: 'w', start, end: start + ms, status: 200 });
    const history: HistoryRecord[] = [
      { kind: 'fault', id: 'aftershock-7-1', type: 'start', fault: 'receiver', detail: { delay: 300 }, time: 1000 },
      { kind: 'fault', id: 'aftershock-7-2', type: 'start', fault: 'receiver', detail: { trickle: 2000, probability: 0.5 }, time: 3000 },
      held(1100, 301),
      held(1500, 300),
      held(1900, 1),
      held(3100, 1991),
      held(3200, 2),
    ];
    const rows = injectionRows({ seed: 7, activities: [activity('slow', 'receiver', 1000, 3000), activity('trickle', 'receiver', 3000, 6000)] }, history);
    expect(rows.map((r) => [r.name, r.count, r.unit])).toEqual([
      ['slow', 2, 'receipts held about 300 ms before the answer'],
      ['trickle', 1, 'receipts held about 2000 ms before the answer'],
    ]);
  });
});
