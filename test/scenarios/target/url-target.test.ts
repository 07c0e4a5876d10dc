// A url target is probed once before the run: a service that takes the connection and never answers
// is said to be too slow, not missing.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { ScenarioError } from '../../../scenarios/scenario/scenario-error.js';
import { connectUrlTarget } from '../../../scenarios/target/url-target.js';

it('says a service that never answers its base URL is too slow, not that it cannot be reached', async () => {
  const silent = createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const err = await connectUrlTarget({ kind: 'url', base_url: url, admin_token_env: 'T' }, {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ScenarioError);
    expect(err).toMatchObject({ code: 'target_unreachable', exitCode: 3 });
    expect((err as Error).message).toBe(`${url} did not answer GET / within 5 s; check the service is healthy, or point target.base_url at a path that answers quickly`);
  } finally {
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
  }
}, 15_000);
