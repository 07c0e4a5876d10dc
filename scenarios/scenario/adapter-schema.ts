// How the runner talks to the service: the `triggers-api` adapter knows the reference API; the `http`
// adapter is request templates plus JSON-path extraction, for a user's own event/webhook service.
import { z } from 'zod';

/** One templated request; `{{name}}` in path, header values and string body leaves is substituted. */
export const requestTemplateSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  path: z.string().startsWith('/'),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
});

/** The `http` adapter's templates. Variables: seq, event_type, id, receiver_url, run_id, env.NAME. */
export const httpAdapterSchema = z.strictObject({
  headers: z.record(z.string(), z.string()).optional().describe('sent with every request'),
  create_event: requestTemplateSchema.extend({ id: z.string().startsWith('$').describe('JSON path of the new id in the answer') }),
  read_event: requestTemplateSchema.extend({ method: z.enum(['GET']).default('GET') }).describe('2xx = the event exists; 404 = it does not'),
  register_webhook: requestTemplateSchema
    .extend({ id: z.string().startsWith('$').default('$.id').describe('JSON path of the new webhook’s id in the answer, for {{webhook_id}}') })
    .optional(),
  unregister_webhook: requestTemplateSchema
    .extend({ method: z.enum(['DELETE', 'POST', 'PUT', 'PATCH']).default('DELETE') })
    .optional()
    .describe('removes the registered webhook when the run ends, so runs against a long-lived service leave no webhooks to receivers that are gone'),
  receipt: z
    .strictObject({
      event_id: z.string().startsWith('$').describe('JSON path of the event id in a delivered body'),
      delivery_id_header: z.string().default('webhook-id'),
    })
    .optional()
    .describe('how to read deliveries arriving at the runner’s receiver; omit if the service sends none'),
  dead_letters: requestTemplateSchema
    .extend({
      method: z.enum(['GET']).default('GET'),
      event_id: z.string().startsWith('$').describe('JSON path of every dead-lettered event id in the answer, e.g. $.items[*].event_id'),
    })
    .optional()
    .describe('the service’s dead letters for the registered webhook, read once after quiescence: a delivery given up on counts as settled for deliveries_complete'),
});

/** `triggers-api`, or `{ http: {...} }`. */
export const adapterSchema = z.union([z.literal('triggers-api'), z.strictObject({ http: httpAdapterSchema })]);

export type RequestTemplate = z.infer<typeof requestTemplateSchema>;
export type HttpAdapterSpec = z.infer<typeof httpAdapterSchema>;
export type AdapterSpec = z.infer<typeof adapterSchema>;
