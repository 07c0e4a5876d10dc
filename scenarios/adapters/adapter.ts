// How the runner speaks to a service: set up its own tenant and webhooks, create and read events,
// read a delivery at the receiver, and read everything back at the end. One implementation per API.
import type { IncomingHttpHeaders } from 'node:http';
import type { FinalRead, OpValue } from '../history/history.js';
import type { ReceiptIdentity } from '../receiver/receiver.js';

/** The answer to one operation: `status` 0 when there was no response (`error` says why). */
export interface OpAnswer {
  status: number;
  /** 2xx (definitely applied). */
  ok: boolean;
  value: OpValue;
}

/** What the runner knows about the events it tried to create, for the read-back. */
export interface CreatedEvents {
  /** Event ids seen in answers. */
  ids: readonly string[];
  /** Creates the run tried, whatever their outcome: no listing of the run's events can be longer. */
  attempts: number;
}

/** A connected adapter for one run. */
export interface Adapter {
  /** Creates the run's key/tenant and registers `webhooks` webhooks to `webhookUrl`; returns their ids. */
  setup(webhookUrl: string, webhooks: number): Promise<string[]>;
  /**
   * Creates event `seq` (its payload carries `seq`, so the read-back finds it). `idempotency_key` goes
   * with the request unless `keyless`; either way it is the create's name in the history.
   */
  createEvent(input: { seq: number; event_type: string; idempotency_key: string; keyless?: true }, signal: AbortSignal): Promise<OpAnswer>;
  readEvent(eventId: string, signal: AbortSignal): Promise<OpAnswer>;
  /** Reads who a webhook request at the receiver is. */
  identify(headers: IncomingHttpHeaders, body: string): ReceiptIdentity;
  /** GETs a path of the service (an `http` probe) and returns the status, 0 when unreachable. */
  probe(path: string): Promise<number>;
  /** Reads back every event, the webhooks, the dead letters and the analytics, after quiescence. */
  finalRead(created: CreatedEvents, now: () => number): Promise<FinalRead>;
  /** Undoes what `setup` left on the service (the http adapter's unregister_webhook); rejects naming what failed. */
  teardown?(): Promise<void>;
  /**
   * What the adapter's own description got wrong, seen during the run (a JSON path that found nothing
   * in the service's answers): one line each, noted with the run's problems. Without it such a mistake
   * shows only as lost events or missing deliveries.
   */
  notes?(): string[];
}
