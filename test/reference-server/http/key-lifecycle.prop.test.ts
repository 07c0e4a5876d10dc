// Property: no sequence of rotations, revocations and clock moves lets an expired, revoked or unknown
// key authenticate, and a valid one is never refused. A model tracks what each key should be.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../../reference-server/src/domain/clock.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../../support/test-api.js';
import { propertyParams } from '../../support/property-seed.js';

const HOUR = 3_600_000;
const clock = new ManualClock(Date.parse('2026-07-01T00:00:00Z'));
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false' }, { clock });
});
afterAll(async () => api?.close());

interface ModelKey {
  apiKey: string;
  keyId: string;
  status: 'active' | 'rotating' | 'expired' | 'revoked';
  expiresAt: number | null;
}

type Op =
  | { kind: 'rotate'; target: number; days: number }
  | { kind: 'revoke'; target: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'check' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('rotate' as const), target: fc.nat(), days: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('revoke' as const), target: fc.nat() }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 60 * HOUR }), fc.constantFrom(24 * HOUR - 1, 24 * HOUR, 1)) }),
  fc.constant({ kind: 'check' as const }),
);

const usable = (k: ModelKey, now: number) => (k.status === 'active' || k.status === 'rotating') && (k.expiresAt === null || now < k.expiresAt);
const status = async (apiKey: string) => (await api.call('GET', '/v1/inbox', { key: apiKey })).status;

async function checkAll(keys: ModelKey[]): Promise<void> {
  for (const k of keys) expect(await status(k.apiKey), `${k.keyId} (${k.status}, expires ${k.expiresAt})`).toBe(usable(k, clock.now()) ? 200 : 401);
  expect(await status(`tr_${'u'.repeat(43)}`)).toBe(401);
}

it('authenticates exactly the keys the lifecycle model says are usable', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
      const first = await api.createKey();
      const keys: ModelKey[] = [{ apiKey: first.api_key, keyId: first.key_id, status: 'active', expiresAt: null }];
      for (const o of ops) {
        if (o.kind === 'advance') clock.advance(o.ms);
        else if (o.kind === 'check') await checkAll(keys);
        else if (o.kind === 'revoke') {
          const k = keys[o.target % keys.length]!;
          expect((await api.call('POST', `/v1/api-keys/${k.keyId}/revoke`, { key: ADMIN_TOKEN })).status).toBe(200);
          k.status = 'revoked';
        } else {
          const k = keys[o.target % keys.length]!;
          const res = await api.call('POST', `/v1/api-keys/${k.keyId}/rotate`, { key: ADMIN_TOKEN, body: { transition_days: o.days } });
          const rotatable = k.status === 'active' && usable(k, clock.now());
          expect(res.status, `rotate ${k.keyId} (${k.status})`).toBe(rotatable ? 201 : 409);
          if (rotatable) {
            k.status = o.days === 0 ? 'expired' : 'rotating';
            k.expiresAt = clock.now() + o.days * 24 * HOUR;
            keys.push({ apiKey: res.body.api_key, keyId: res.body.key_id, status: 'active', expiresAt: null });
          }
        }
      }
      await checkAll(keys);
    }),
    propertyParams('authenticates exactly the keys the lifecycle model says are usable', 25),
  );
});
