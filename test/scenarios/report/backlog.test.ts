// The delivery backlog is owed deliveries minus accepted ones, second by second, from the history.
import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../../scenarios/history/history.js';
import { backlogSeries } from '../../../scenarios/report/backlog.js';

const ok = (event_id: string, time: number): HistoryRecord => ({ kind: 'op', process: 0, type: 'ok', f: 'create_event', value: { event_id, event_type: 'order.created', status: 201 }, time });
const receipt = (event_id: string, end: number, status = 200, webhook_id = 'whk_1'): HistoryRecord => ({ kind: 'receipt', delivery_id: `dlv_${event_id}_${webhook_id}`, event_id, webhook_id, start: end - 5, end, status });

describe('backlogSeries', () => {
  it('owes each ok create until its first accepted receipt', () => {
    const history = [ok('e1', 100), ok('e2', 1200), receipt('e1', 2100, 503), receipt('e1', 2500), receipt('e1', 2600), receipt('e2', 3400)];
    expect(backlogSeries(history, 5)).toEqual([1, 2, 1, 0, 0]);
  });

  it('owes one delivery per webhook that wants the event, as the final read-back lists them', () => {
    const final: HistoryRecord = {
      kind: 'final',
      events: {},
      webhooks: [
        { webhook_id: 'whk_1', event_types: ['order.*'] },
        { webhook_id: 'whk_2', event_types: ['order.created'] },
        { webhook_id: 'whk_3', event_types: ['invoice.paid'] },
      ],
      dlq: [],
      time: 9000,
    };
    const history = [ok('e1', 100), receipt('e1', 1500, 200, 'whk_1'), receipt('e1', 2500, 200, 'whk_2'), final];
    expect(backlogSeries(history, 3)).toEqual([2, 1, 0]);
  });

  it('owes nothing when the read-back lists no webhook (a service with none registered)', () => {
    const final: HistoryRecord = { kind: 'final', events: {}, webhooks: [], dlq: [], time: 3000 };
    expect(backlogSeries([ok('e1', 100), ok('e2', 1200), final], 3)).toEqual([0, 0, 0]);
  });

  it('does not owe events whose create had no definite answer', () => {
    const info: HistoryRecord = { kind: 'op', process: 1, type: 'info', f: 'create_event', value: { event_id: 'e9', error: 'timeout' }, time: 50 };
    expect(backlogSeries([info, receipt('e9', 900)], 2)).toEqual([0, 0]);
  });
});
