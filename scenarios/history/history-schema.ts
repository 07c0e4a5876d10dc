// The history's records as zod schemas, so a `history.jsonl` read back (e.g. to re-run the
// checkers offline) is checked line by line instead of trusted.
import { z } from 'zod';
import type { HistoryRecord } from './history.js';

const time = z.number().finite();

const opValue = z.looseObject({
  event_id: z.string().optional(),
  idempotency_key: z.string().optional(),
  event_type: z.string().optional(),
  source: z.string().optional(),
  status: z.number().int().optional(),
  error: z.string().optional(),
  dropped: z.boolean().optional(),
});

const op = z.object({
  kind: z.literal('op'),
  process: z.number().int(),
  type: z.enum(['invoke', 'ok', 'fail', 'info']),
  f: z.string().min(1),
  value: opValue,
  time,
  intended: time.optional(),
});

const receipt = z.object({
  kind: z.literal('receipt'),
  delivery_id: z.string(),
  event_id: z.string(),
  webhook_id: z.string(),
  attempt: z.number().int().optional(),
  start: time,
  end: time,
  status: z.number().int(),
});

const fault = z.object({ kind: z.literal('fault'), id: z.string(), type: z.enum(['start', 'end']), fault: z.string(), detail: z.unknown().optional(), time });

const process = z.object({
  kind: z.literal('process'),
  process: z.string(),
  action: z.enum(['start', 'kill', 'stop', 'continue', 'exit']),
  signal: z.string().optional(),
  time,
});

const counts = z.record(z.string(), z.number());

const final = z.object({
  kind: z.literal('final'),
  events: z.record(z.string(), z.object({ readable: z.boolean(), event_type: z.string(), source: z.string().optional(), idempotency_key: z.string().optional() })),
  webhooks: z.array(z.object({ webhook_id: z.string(), event_types: z.array(z.string()), registered_at: time.optional(), disabled_reason: z.string().optional() })),
  dlq: z.array(z.object({ delivery_id: z.string(), event_id: z.string(), webhook_id: z.string() })),
  analytics: z.object({ total: z.number(), by_type: counts, by_source: counts }).optional(),
  time,
});

/** One history record, checked. */
export const historyRecordSchema: z.ZodType<HistoryRecord> = z.discriminatedUnion('kind', [op, receipt, fault, process, final]);
