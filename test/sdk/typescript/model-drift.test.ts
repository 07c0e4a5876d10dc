// The SDK's request models against the server's own zod schemas: the types must be equal (checked by
// `npm run typecheck`), and a request typed with the SDK's model must pass the server's validation.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { EventCreateSchema } from '../../../reference-server/src/domain/event.js';
import { WebhookCreateSchema, WebhookUpdateSchema } from '../../../reference-server/src/domain/webhook.js';
import type { CreateEventInput, CreateWebhookInput, UpdateWebhookInput } from '../../../sdk/typescript/src/index.js';

describe('request models match the server schemas', () => {
  it('CreateEventInput is the server\'s event body', () => {
    expectTypeOf<CreateEventInput>().toEqualTypeOf<z.infer<typeof EventCreateSchema>>();
    const sample: Required<CreateEventInput> = { source: 'shop', event_type: 'order.created', payload: { order: 1 } };
    expect(Object.keys(EventCreateSchema.shape).sort()).toEqual(Object.keys(sample).sort());
    expect(EventCreateSchema.safeParse(sample).success).toBe(true);
  });

  it('CreateWebhookInput and UpdateWebhookInput are the server\'s webhook bodies', () => {
    expectTypeOf<CreateWebhookInput>().toEqualTypeOf<z.infer<typeof WebhookCreateSchema>>();
    expectTypeOf<UpdateWebhookInput>().toEqualTypeOf<z.infer<typeof WebhookUpdateSchema>>();
    const sample: Required<CreateWebhookInput> = { url: 'http://127.0.0.1/h', events: ['order.*'], secret: `whsec_${'A'.repeat(44)}`, description: 'd', is_active: true };
    expect(Object.keys(WebhookCreateSchema.shape).sort()).toEqual(Object.keys(sample).sort());
    expect(WebhookCreateSchema.safeParse(sample).success).toBe(true);
    expect(Object.keys(WebhookUpdateSchema.shape).sort()).toEqual(Object.keys(sample).sort());
  });
});
