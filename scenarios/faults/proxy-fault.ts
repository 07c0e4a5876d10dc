// `proxy` faults: a Toxiproxy toxic on one of the runner's links, or the link taken down
// (`enabled: false`), removed again at the end of the window.
import type { Toxic } from 'toxiproxy-node-client';
import type { ProxyFault } from '../scenario/fault-schema.js';
import type { ProxyLinks } from '../target/proxy-links.js';
import { once, type ActiveFault } from './active-fault.js';

/**
 * Adds the toxic `id` (or disables the link). Throws when the target has no such link (a url target
 * cannot be rewired) or the proxy refuses the toxic.
 */
export async function applyProxyFault(fault: ProxyFault, id: string, proxies: ProxyLinks | undefined, onError: (err: unknown) => void): Promise<ActiveFault> {
  const link = proxies?.links.get(fault.link);
  if (!link) throw new Error(`no proxy link "${fault.link}" on this target (proxy faults need an embedded or command target)`);
  const label = `proxy:${fault.link}`;
  if (fault.down) {
    const { proxy } = link;
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    const heal = once(async () => void (await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream })), onError);
    return { kind: 'proxy', label, detail: { link: fault.link, down: true }, heal };
  }
  const spec = fault.toxic!;
  const toxic: Toxic<unknown> = await link.proxy.addToxic({
    name: id,
    type: spec.type,
    stream: spec.stream ?? 'downstream',
    toxicity: spec.toxicity ?? 1,
    attributes: spec.attributes ?? {},
  } as Parameters<typeof link.proxy.addToxic>[0]);
  const heal = once(() => toxic.remove(), onError);
  return { kind: 'proxy', label, detail: { link: fault.link, toxic: spec }, heal };
}
