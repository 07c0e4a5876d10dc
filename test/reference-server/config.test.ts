// Configuration checks that have no suite of their own: the worker's wake URL.
import { expect, it } from 'vitest';
import { loadConfig } from '../../reference-server/src/config.js';

it('takes WORKER_WAKE_URL as an http(s) URL and names it when it is not one', () => {
  expect(loadConfig({ WORKER_WAKE_URL: 'http://api:8080' }).WORKER_WAKE_URL).toBe('http://api:8080');
  expect(loadConfig({}).WORKER_WAKE_URL).toBeUndefined();
  for (const bad of ['api:8080', 'ftp://api/']) expect(() => loadConfig({ WORKER_WAKE_URL: bad })).toThrow(/WORKER_WAKE_URL/);
});
