// The wake stream's wire format: the token both sides derive from the secrets key, the SSE text of a
// wake, and the stream URL of a server's base URL.
import { expect, it } from 'vitest';
import { wakeKindOf, wakeMessage, wakeStreamUrl, wakeToken } from '../../../reference-server/src/domain/worker-wake.js';

it('derives one token per secrets key, never the key itself', () => {
  const key = 'worker-wake-secrets-key-0123456789abcdef';
  expect(wakeToken(key)).toBe(wakeToken(key));
  expect(wakeToken(key)).not.toBe(wakeToken(`${key}x`));
  expect(wakeToken(key)).not.toContain(key);
  expect(wakeToken(key)).toMatch(/^[A-Za-z0-9_-]{43}$/);
});

it('writes one SSE message per kind with its count, and reads back only the kinds it knows', () => {
  expect(wakeMessage(new Map([['events', 3], ['deliveries', 1]]))).toBe('event: events\ndata: 3\n\nevent: deliveries\ndata: 1\n\n');
  expect([wakeKindOf('events'), wakeKindOf('deliveries'), wakeKindOf('message'), wakeKindOf(undefined)]).toEqual(['events', 'deliveries', undefined, undefined]);
});

it('puts the stream under the server\'s base URL, keeping a path prefix', () => {
  expect(wakeStreamUrl('http://api:8080')).toBe('http://api:8080/_workers/wake');
  expect(wakeStreamUrl('http://api:8080/')).toBe('http://api:8080/_workers/wake');
  expect(wakeStreamUrl('https://example.test/triggers')).toBe('https://example.test/triggers/_workers/wake');
});
