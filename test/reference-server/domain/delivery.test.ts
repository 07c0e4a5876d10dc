// The delivery decision as a pure function: what an attempt's result means — delivered, retry at a
// time, or dead letter (with or without disabling the webhook) — and the stable delivery id.
import { describe, expect, it } from 'vitest';
import { classOfStatus, decideAttempt, deliveryIdFor } from '../../../reference-server/src/domain/delivery.js';
import type { RetryTiming } from '../../../reference-server/src/domain/retry-schedule.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const timing: RetryTiming = { schedule: [1_000, 5_000], jitter: 0, maxRetryAfterMs: 60_000 };
const decide = (result: Parameters<typeof decideAttempt>[0], attempt = 1) => decideAttempt(result, attempt, NOW, () => 0.5, timing);

describe('decideAttempt', () => {
  it('calls any 2xx delivered', () => {
    expect(decide({ kind: 'response', statusCode: 204 })).toEqual({ outcome: 'delivered' });
  });

  it('retries a 5xx, a timeout and a refused connection at the scheduled time', () => {
    expect(decide({ kind: 'response', statusCode: 503 })).toEqual({ outcome: 'retry', at: NOW + 1_000, reason: 'HTTP 503' });
    expect(decide({ kind: 'error', errorClass: 'timeout', message: 'no answer in 10 s' }, 2)).toEqual({ outcome: 'retry', at: NOW + 5_000, reason: 'timeout: no answer in 10 s' });
    expect(decide({ kind: 'error', errorClass: 'connection', message: 'ECONNREFUSED' }).outcome).toBe('retry');
  });

  it('waits as long as the receiver asks with Retry-After', () => {
    expect(decide({ kind: 'response', statusCode: 429, retryAfter: '20' })).toEqual({ outcome: 'retry', at: NOW + 20_000, reason: 'HTTP 429' });
  });

  it('dead-letters once the schedule is exhausted, keeping the webhook', () => {
    expect(decide({ kind: 'response', statusCode: 500 }, 3)).toEqual({ outcome: 'dead_letter', reason: 'gave up after 3 attempts; last: HTTP 500', disableWebhook: false });
  });

  it('dead-letters 410 Gone at once and disables the webhook', () => {
    expect(decide({ kind: 'response', statusCode: 410 })).toEqual({ outcome: 'dead_letter', reason: 'endpoint answered 410 Gone', disableWebhook: true });
  });

  it('dead-letters an SSRF-blocked target at once without disabling the webhook', () => {
    expect(decide({ kind: 'error', errorClass: 'ssrf_blocked', message: '10.0.0.1 is private' })).toEqual({ outcome: 'dead_letter', reason: 'ssrf_blocked: 10.0.0.1 is private', disableWebhook: false });
  });
});

describe('classOfStatus and deliveryIdFor', () => {
  it('classifies status codes', () => {
    expect([200, 410, 404, 502, 302].map(classOfStatus)).toEqual([null, 'http_410', 'http_4xx', 'http_5xx', 'http_other']);
  });

  it('gives one (event, webhook) pair one id, and different pairs different ids', () => {
    expect(deliveryIdFor('evt_1', 'wh_1')).toBe(deliveryIdFor('evt_1', 'wh_1'));
    expect(deliveryIdFor('evt_1', 'wh_1')).not.toBe(deliveryIdFor('evt_1', 'wh_2'));
    expect(deliveryIdFor('evt_1', 'wh_1')).toMatch(/^dlv_[0-9a-f]{26}$/);
  });
});
