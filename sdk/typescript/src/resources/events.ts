// Events: create (always with an idempotency key, so a retried create cannot make two events),
// get, the inbox as pages or as an async iterator, acknowledge and delete.
import type { CreateEventInput, InboxQuery, Page, TriggerEvent } from '../models.js';
import { paginate } from '../paginate.js';
import { send, sendJson, type CallOptions, type TransportConfig } from '../transport.js';

/** Options of {@link EventsResource.create}. */
export interface CreateEventOptions extends CallOptions {
  /** Makes repeats of this create return the original event (default: a fresh random key). */
  idempotencyKey?: string;
}

/** A page of `GET /v1/inbox`. */
export interface InboxPage extends Page {
  events: TriggerEvent[];
}

export class EventsResource {
  constructor(
    private readonly config: TransportConfig,
    private readonly newIdempotencyKey: () => string,
  ) {}

  /**
   * Creates an event. The `Idempotency-Key` sent (yours or a generated one) is the same on every
   * retry, so lost answers, timeouts and 503s are retried without risk of a duplicate.
   * @throws ValidationError for a bad body, ConflictError when your key was used with another body.
   */
  create(input: CreateEventInput, options: CreateEventOptions = {}): Promise<TriggerEvent> {
    const key = options.idempotencyKey ?? this.newIdempotencyKey();
    return sendJson(this.config, { method: 'POST', path: '/v1/events', body: input, headers: { 'idempotency-key': key }, idempotent: true, signal: options.signal, onResponse: options.onResponse });
  }

  /** The event, or NotFoundError when it is not in your tenant. */
  get(eventId: string, options: CallOptions = {}): Promise<TriggerEvent> {
    return sendJson(this.config, { method: 'GET', path: `/v1/events/${encodeURIComponent(eventId)}`, signal: options.signal, onResponse: options.onResponse });
  }

  /** One page of pending events, oldest first. */
  inboxPage(query: InboxQuery & { cursor?: string } = {}, options: CallOptions = {}): Promise<InboxPage> {
    return sendJson(this.config, { method: 'GET', path: '/v1/inbox', query: { ...query }, signal: options.signal, onResponse: options.onResponse });
  }

  /**
   * Every pending event, oldest first, fetched page by page as you iterate.
   * @example for await (const event of client.events.inbox({ source: 'shop' })) await handle(event);
   */
  inbox(query: InboxQuery = {}, options: CallOptions = {}): AsyncGenerator<TriggerEvent, void, undefined> {
    return paginate((cursor) => this.inboxPage({ ...query, cursor }, options), (page) => page.events);
  }

  /** Acknowledges the event (idempotent) and returns it. */
  ack(eventId: string, options: CallOptions = {}): Promise<TriggerEvent> {
    return sendJson(this.config, { method: 'POST', path: `/v1/events/${encodeURIComponent(eventId)}/ack`, idempotent: true, signal: options.signal, onResponse: options.onResponse });
  }

  /** Deletes the event; NotFoundError when it does not exist. */
  async delete(eventId: string, options: CallOptions = {}): Promise<void> {
    await send(this.config, { method: 'DELETE', path: `/v1/events/${encodeURIComponent(eventId)}`, signal: options.signal, onResponse: options.onResponse });
  }
}
