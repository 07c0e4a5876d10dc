// Rotating a key without downtime: create the next version while the old one keeps working for the
// transition, switch the client over, then end the overlap by revoking the old version.
import { TriggersApiClient, UnauthorizedError } from '../src/index.js';
import { runIfMain, type ExampleEnv } from './example-env.js';

export async function keyRotation({ baseUrl, apiKey, keyId, log = console.log }: ExampleEnv) {
  if (!keyId) throw new Error('set TRIGGERS_KEY_ID to the key_… id of TRIGGERS_API_KEY (it needs keys:manage)');
  const oldClient = new TriggersApiClient({ apiKey, baseUrl });

  // 1. The next version; the old key keeps authenticating for one day.
  const next = await oldClient.apiKeys.rotate(keyId, 1);
  log('new version', next.version, 'old one', next.previous_status, 'until', next.previous_expires_at);

  // 2. Both work during the overlap: deploy the new api_key and signing_secret everywhere.
  const newClient = new TriggersApiClient({ apiKey: next.api_key, baseUrl, signingSecret: next.signing_secret });
  await oldClient.events.create({ source: 'rotation', event_type: 'key.check', payload: { by: 'old' } });
  await newClient.events.create({ source: 'rotation', event_type: 'key.check', payload: { by: 'new' } });

  // 3. Once nothing uses the old key, end the overlap early.
  const versions: number[] = [];
  for await (const version of newClient.apiKeys.versions(next.key_id)) versions.push(version.version);
  await newClient.apiKeys.revoke(keyId);
  let oldRefused = false;
  try {
    await oldClient.events.inboxPage({ limit: 1 });
  } catch (err) {
    oldRefused = err instanceof UnauthorizedError;
  }
  log('versions', versions, 'old key refused after revoke:', oldRefused);
  return { newKeyId: next.key_id, versions, oldRefused, newApiKey: next.api_key };
}

runIfMain(import.meta.url, keyRotation);
