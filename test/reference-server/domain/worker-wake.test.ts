// The wake stream's wire format: the token both sides derive from the secrets key, the SSE text of a
// wake, a stored event handed over, and the stream URL of a server's base URL.
import { expect, it } from 'vitest';
import { parseStoredWake, storedMessage, wakeKindOf, wakeMessage, wakeStreamUrl, wakeToken } from '../../../reference-server/src/domain/worker-wake.js';

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

it('reads a stored event back with the row that holds it, or without one (a server before rows were shared), and nothing malformed', () => {
  const event = { tenant_id: 'tnt_1', event_id: 'evt_2', created_at: '2026-12-05T00:00:00.000Z' };
  const data = (wake: unknown) => JSON.stringify(wake);
  const withRow = { stored_at: 5, event, row: { key: 'evt_1', size: 3 } };
  expect(storedMessage(withRow as never)).toBe(`event: stored\ndata: ${data(withRow)}\n\n`);
  expect(parseStoredWake(data(withRow))).toEqual(withRow);
  expect(parseStoredWake(data({ stored_at: 5, event }))).toEqual({ stored_at: 5, event });
  for (const row of [{ key: 1, size: 3 }, { key: 'evt_1', size: 0 }, { key: 'evt_1', size: 1.5 }, { key: 'evt_1' }, null]) expect(parseStoredWake(data({ stored_at: 5, event, row }))).toBeUndefined();
});
