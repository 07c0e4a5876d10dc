import { describe, expect, it } from 'vitest';
import { deliveriesComplete } from '../../../scenarios/checkers/deliveries-complete.js';
import { create, final, history, readable, receipt } from './histories.js';

describe('deliveries_complete', () => {
  it('holds when each readable event reached each matching webhook or the DLQ', () => {
    const h = history(
      create(0, 100, 'ok', { event_id: 'e1' }),
      create(1, 110, 'ok', { event_id: 'e2' }),
      receipt('d1', 'e1', 500, { status: 503 }),
      receipt('d1', 'e1', 1500),
      final({ e1: readable(), e2: readable() }, { dlq: [{ delivery_id: 'd2', event_id: 'e2', webhook_id: 'wh-1' }] }),
    );
    expect(deliveriesComplete(h)).toMatchObject({ valid: true, counts: { expected: 2, delivered: 1, dead_lettered: 1, missing: 0 } });
  });

  it('fails on an event that was only ever refused and is not in the DLQ', () => {
    const h = history(create(0, 100, 'ok', { event_id: 'e1' }), receipt('d1', 'e1', 500, { status: 503 }), receipt('d1', 'e1', 900, { status: 503 }), final({ e1: readable() }));
    const result = deliveriesComplete(h);
    expect(result).toMatchObject({ valid: false, counts: { expected: 1, missing: 1 } });
    expect(result.examples).toEqual([
      { event_id: 'e1', webhook_id: 'wh-1', times: [100, 900], expected: 'a receipt the receiver accepted, or a DLQ entry', seen: '2 receipt(s), answered 503, 503; not in the DLQ' },
    ]);
  });

  it('expects deliveries only for webhooks whose event types match, and registered before the create', () => {
    const h = history(
      create(0, 100, 'ok', { event_id: 'e1', event_type: 'user.created' }),
      create(1, 200, 'ok', { event_id: 'e2' }),
      receipt('d2', 'e2', 700, { webhook_id: 'wh-orders' }),
      final(
        { e1: readable(undefined, { event_type: 'user.created' }), e2: readable() },
        { webhooks: [{ webhook_id: 'wh-orders', event_types: ['order.*'] }, { webhook_id: 'wh-late', event_types: ['*'], registered_at: 5000 }] },
      ),
    );
    expect(deliveriesComplete(h)).toMatchObject({ valid: true, counts: { expected: 1, delivered: 1 } });
  });

  it('expects deliveries for an unknown-outcome create that turned out readable', () => {
    const h = history(create(0, 100, 'info', { key: 'k1' }), final({ e1: readable('k1') }));
    expect(deliveriesComplete(h)).toMatchObject({ valid: false, counts: { expected: 1, missing: 1 } });
  });

  it('owes a webhook the service disabled nothing more, once a dead letter of its own shows why', () => {
    const webhooks = [{ webhook_id: 'wh-1', event_types: ['*'], disabled_reason: 'gone (410)' }];
    const gone = [create(0, 100, 'ok', { event_id: 'e1' }), create(1, 200, 'ok', { event_id: 'e2' }), create(2, 300, 'ok', { event_id: 'e3' }), receipt('d1', 'e1', 400, { status: 410 })];
    const events = { e1: readable(), e2: readable(), e3: readable() };
    const explained = deliveriesComplete(history(...gone, final(events, { webhooks, dlq: [{ delivery_id: 'd1', event_id: 'e1', webhook_id: 'wh-1' }] })));
    expect(explained).toMatchObject({ valid: true, counts: { expected: 3, dead_lettered: 1, missing: 0, disabled_webhooks: 1, not_owed: 2 } });
    expect(explained.examples).toEqual([
      { webhook_id: 'wh-1', expected: 'deliveries until the service disabled the webhook', seen: "disabled by the service (gone (410)), with a dead letter; what it did not get after is not owed" },
    ]);
    // Disabled with no dead letter to say why: judged like any webhook.
    const unexplained = deliveriesComplete(history(...gone, final(events, { webhooks })));
    expect(unexplained).toMatchObject({ valid: false, counts: { expected: 3, missing: 3 } });
    expect(unexplained.counts).not.toHaveProperty('not_owed');
  });

  it('counts only deliveries that came before the read-back, as the dead-letter queue is read then', () => {
    const h = history(create(0, 100, 'ok', { event_id: 'e1' }), receipt('d1', 'e1', 5_000), final({ e1: readable() }, { time: 4_000 }));
    expect(deliveriesComplete(h)).toMatchObject({ valid: false, counts: { expected: 1, delivered: 0, missing: 1 } });
    expect(deliveriesComplete(history(h.slice(0, -1), final({ e1: readable() }, { time: 5_000 })))).toMatchObject({ valid: true, counts: { delivered: 1 } });
  });
});
