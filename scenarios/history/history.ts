// The run's history in Jepsen's shape: every operation as invoke → ok | fail | info, every webhook
// receipt, every fault window, every process action and the final read-back. Checkers judge this.
// All times are milliseconds since the run started (the runner's injected clock).

/**
 * An operation's phase. `invoke` opens it; exactly one of the others closes it:
 * - `ok`: definitely applied (a 2xx);
 * - `fail`: definitely not applied (a 4xx, or refused before it was sent);
 * - `info`: outcome unknown (timeout, reset, a 5xx): it may or may not have been applied.
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/** What an operation carried or returned. Extra keys are kept as they are. */
export interface OpValue {
  event_id?: string;
  idempotency_key?: string;
  /** On create_event: the event's type and source, the ground truth for `analytics_exact`. */
  event_type?: string;
  source?: string;
  /** HTTP status, when there was a response. */
  status?: number;
  /** Error class or message, when there was no usable response. */
  error?: string;
  /** On `fail`: the load generator never sent it (too many in flight); counted as dropped. */
  dropped?: boolean;
  [key: string]: unknown;
}

/** One half of an operation. `process` is the load slot that ran it (Jepsen's process). */
export interface OpRecord {
  kind: 'op';
  process: number;
  type: OpType;
  /** The operation: `create_event`, `register_webhook`, `read_event`, … */
  f: string;
  value: OpValue;
  time: number;
  /** On `invoke` under open-model load: when the schedule meant it to start (≤ `time`). */
  intended?: number;
}

/** One request the runner's webhook receiver got, with what it answered. */
export interface ReceiptRecord {
  kind: 'receipt';
  /** The delivery's id as sent (the `webhook-id` / `X-Webhook-Id` header, the same on every retry). */
  delivery_id: string;
  event_id: string;
  /** The registered webhook the request was sent for. */
  webhook_id: string;
  attempt?: number;
  /** When the request arrived and when the receiver finished answering. */
  start: number;
  end: number;
  /** What the receiver answered (0 when it reset or hung up without answering). */
  status: number;
}

/**
 * A fault's window opening or closing; `id` pairs a start with its end. `time` is when the runner sent
 * what applies the fault (it may be in force from then on, whatever the target's answer took) and
 * when it began to heal it; each is recorded once the target has answered, so a record may follow
 * later ones in the file. `end` is recorded once: recovery time runs from the last `end`, so a final
 * rollback must not record ends again for faults already healed. A process kill with a restart is a
 * fault window too (`process:<name>`), ending when the restart begins (its process `start` record
 * says when the process was back).
 */
export interface FaultRecord {
  kind: 'fault';
  id: string;
  type: 'start' | 'end';
  /** The fault kind, e.g. `receiver`, `chaos:dynamodb`, `proxy:dynamodb`, `process:worker-1`. */
  fault: string;
  detail?: unknown;
  time: number;
}

/** Something the runner did to, or saw of, a process it owns. */
export interface ProcessRecord {
  kind: 'process';
  /** e.g. `server-1`, `worker-2`. */
  process: string;
  action: 'start' | 'kill' | 'stop' | 'continue' | 'exit';
  signal?: string;
  time: number;
}

/** What one event looked like at the final read-back. */
export interface FinalEvent {
  readable: boolean;
  event_type: string;
  source?: string;
  idempotency_key?: string;
}

/** A registered webhook at the final read-back. */
export interface FinalWebhook {
  webhook_id: string;
  event_types: string[];
  /** When it was registered; events invoked earlier are not expected to reach it. */
  registered_at?: number;
  /** Why the service disabled it during the run (a 410, failures in a row), when it did. */
  disabled_reason?: string;
}

/** An entry of the dead-letter queue at the final read-back. */
export interface FinalDlqEntry {
  delivery_id: string;
  event_id: string;
  webhook_id: string;
}

/** The service's analytics summary for the run's tenant. */
export interface FinalAnalytics {
  total: number;
  by_type: Record<string, number>;
  by_source: Record<string, number>;
}

/**
 * The read-back after quiescence. `events` holds every event id the history names (and any the
 * service listed), keyed by event id.
 */
export interface FinalRead {
  kind: 'final';
  events: Record<string, FinalEvent>;
  webhooks: FinalWebhook[];
  dlq: FinalDlqEntry[];
  analytics?: FinalAnalytics;
  time: number;
}

/** One line of `history.jsonl`. */
export type HistoryRecord = OpRecord | ReceiptRecord | FaultRecord | ProcessRecord | FinalRead;

/** The record kinds, in the order a reader may meet them. */
export const HISTORY_KINDS = ['op', 'receipt', 'fault', 'process', 'final'] as const satisfies readonly HistoryRecord['kind'][];
