// Request signing: give the client the key's signing secret and every request carries
// X-Signature-Timestamp, X-Signature, X-Signature-Version and a new X-Signature-Nonce, signed afresh
// on each retry. A key created with `signing_mode: "required"` refuses anything unsigned.
import { TriggersApiClient, UnauthorizedError, newSignatureNonce, signRequest } from '../src/index.js';
import { runIfMain, type ExampleEnv } from './example-env.js';

export async function signedRequests({ baseUrl, apiKey, signingSecret, log = console.log }: ExampleEnv) {
  if (!signingSecret) throw new Error('set TRIGGERS_SIGNING_SECRET to the key\'s sk_… signing secret');
  const signed = new TriggersApiClient({ apiKey, baseUrl, signingSecret });
  const event = await signed.events.create({ source: 'billing', event_type: 'invoice.paid', payload: { invoice: 7 } });
  const page = await signed.events.inboxPage({ source: 'billing', limit: 10 });
  log('signed create and list:', event.event_id, page.events.length);

  // Without the secret, a key whose mode is `required` answers 401 signature_missing.
  let unsignedRefusal: string | undefined;
  try {
    await new TriggersApiClient({ apiKey, baseUrl }).events.get(event.event_id);
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) throw err;
    unsignedRefusal = err.code;
  }
  log('unsigned request:', unsignedRefusal ?? 'accepted (the key does not require signing)');

  // The signature alone, for another HTTP client: sign exactly the bytes you send, with a new nonce
  // for every request (the same request twice in one second would otherwise be refused as a replay).
  const body = JSON.stringify({ source: 'billing', event_type: 'invoice.paid', payload: { invoice: 8 } });
  const timestamp = Math.floor(Date.now() / 1000);
  const nonce = newSignatureNonce();
  const signature = signRequest(signingSecret, { method: 'POST', path: '/v1/events', rawQuery: '', timestamp, body, nonce });
  const res = await fetch(`${baseUrl}/v1/events`, {
    method: 'POST',
    body,
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      'x-signature-timestamp': String(timestamp),
      'x-signature': signature,
      'x-signature-version': 'v1',
      'x-signature-nonce': nonce,
    },
  });
  log('hand-signed create:', res.status);
  return { eventId: event.event_id, listed: page.events.length, unsignedRefusal, handSignedStatus: res.status };
}

runIfMain(import.meta.url, signedRequests);
