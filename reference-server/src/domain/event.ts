// The event resource: what a client may send, what is stored, and what the API shows.
import { z } from 'zod';

/** Body of `POST /v1/events`. */
export const EventCreateSchema = z.strictObject({
  source: z.string().trim().min(1).max(256),
  event_type: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and . _ : - only'),
  payload: z.record(z.string(), z.unknown()),
});
export type EventCreate = z.infer<typeof EventCreateSchema>;

export type EventStatus = 'pending' | 'acknowledged';

/** A stored event. `payload_json` keeps the payload as the client sent it, byte for byte. */
export interface EventRecord {
  tenant_id: string;
  event_id: string;
  source: string;
  event_type: string;
  payload_json: string;
  status: EventStatus;
  created_at: string;
  acknowledged_at: string | null;
}

/** The API's view of an event. */
export function eventView(event: EventRecord) {
  return {
    event_id: event.event_id,
    source: event.source,
    event_type: event.event_type,
    payload: JSON.parse(event.payload_json) as unknown,
    status: event.status,
    created_at: event.created_at,
    acknowledged_at: event.acknowledged_at,
  };
}

/** Builds the record for a new event; pure, so duplicates with the same inputs build the same item. */
export function newEventRecord(
  tenantId: string,
  eventId: string,
  body: EventCreate,
  createdAt: string,
): EventRecord {
  return {
    tenant_id: tenantId,
    event_id: eventId,
    source: body.source,
    event_type: body.event_type,
    payload_json: JSON.stringify(body.payload),
    status: 'pending',
    created_at: createdAt,
    acknowledged_at: null,
  };
}
