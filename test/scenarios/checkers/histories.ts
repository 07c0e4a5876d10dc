// Builders for hand-made histories: a create as its invoke and completion, receipts, a read-back.
import type { FinalEvent, FinalRead, HistoryRecord, OpRecord, OpType, ReceiptRecord } from '../../../scenarios/history/history.js';

/** A create_event's invoke and (unless `pending`) its completion, 20 ms apart. */
export function create(
  process: number,
  time: number,
  type: Exclude<OpType, 'invoke'> | 'pending',
  opts: { event_id?: string; key?: string; event_type?: string; source?: string; status?: number } = {},
): OpRecord[] {
  const invoke: OpRecord = {
    kind: 'op',
    process,
    type: 'invoke',
    f: 'create_event',
    value: { idempotency_key: opts.key ?? `k-${process}-${time}`, event_type: opts.event_type ?? 'order.created', source: opts.source ?? 'shop' },
    time,
    intended: time,
  };
  if (type === 'pending') return [invoke];
  const value = type === 'ok' ? { event_id: opts.event_id, status: opts.status ?? 201 } : { status: opts.status ?? (type === 'fail' ? 400 : 503), ...(type === 'info' ? { error: 'timeout' } : {}) };
  return [invoke, { kind: 'op', process, type, f: 'create_event', value, time: time + 20 }];
}

/** A receipt; `status` defaults to 200 and the window to 10 ms. */
export function receipt(delivery_id: string, event_id: string, start: number, opts: { webhook_id?: string; status?: number; end?: number } = {}): ReceiptRecord {
  return { kind: 'receipt', delivery_id, event_id, webhook_id: opts.webhook_id ?? 'wh-1', start, end: opts.end ?? start + 10, status: opts.status ?? 200 };
}

/** A readable event of type order.created from source shop, with an optional idempotency key. */
export function readable(key?: string, overrides: Partial<FinalEvent> = {}): FinalEvent {
  return { readable: true, event_type: 'order.created', source: 'shop', ...(key ? { idempotency_key: key } : {}), ...overrides };
}

/** A read-back with one webhook on `order.*` unless told otherwise. */
export function final(events: Record<string, FinalEvent>, rest: Partial<Omit<FinalRead, 'kind' | 'events'>> = {}): FinalRead {
  return { kind: 'final', events, webhooks: [{ webhook_id: 'wh-1', event_types: ['order.*'] }], dlq: [], time: 100_000, ...rest };
}

/** Flattens builder output into one history. */
export function history(...parts: (HistoryRecord | HistoryRecord[])[]): HistoryRecord[] {
  return parts.flat();
}
