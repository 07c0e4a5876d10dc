// Creates a proxy in front of a test server through the API and returns its listen address.
import type { Harness } from './harness.js';

/** A toxic body as the API takes it. */
export interface ToxicBody {
  name?: string;
  type: string;
  stream?: 'upstream' | 'downstream';
  toxicity?: number;
  attributes?: Record<string, number>;
}

/** Creates proxy `name` → `upstream` with `toxics` added one by one; resolves to the listen address. */
export async function proxied(h: Harness, name: string, upstream: string, toxics: ToxicBody[] = []): Promise<string> {
  const created = await h.call('POST', '/proxies', { name, listen: '127.0.0.1:0', upstream });
  if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${created.text}`);
  for (const toxic of toxics) {
    const added = await h.call('POST', `/proxies/${name}/toxics`, toxic);
    if (added.status !== 200) throw new Error(`toxic on ${name}: ${added.status} ${added.text}`);
  }
  return created.json<{ listen: string }>().listen;
}
