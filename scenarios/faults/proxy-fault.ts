// `proxy` faults: a Toxiproxy toxic on one of the runner's links, or the link taken down
// (`enabled: false`), removed again at the end of the window.
import type { Proxy, Toxic } from 'toxiproxy-node-client';
import type { ProxyFault } from '../scenario/fault-schema.js';
import type { ProxyLinks } from '../target/proxy-links.js';
import { once, type ActiveFault } from './active-fault.js';
import { sharedHold, type SharedHold } from './shared-hold.js';

/**
 * The `down` steps holding each link down. A link has one `enabled` switch for all of them, so it comes
 * back up only when the last one heals: an inner step's heal must not end an outer step's window early.
 * (Toxics need no such count: each step adds a toxic of its own, named by the step, and removes only it.)
 */
const downHolds = new WeakMap<Proxy, SharedHold<symbol>>();

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
    const enable = async (enabled: boolean) => void (await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream }));
    const hold = sharedHold(downHolds, proxy);
    const step = Symbol(id);
    // Counted once the proxy took it: a step it refused holds nothing, and leaves the others' heals whole.
    await hold.queue.run(async () => {
      if (hold.holders.length === 0) await enable(false);
      hold.holders.push(step);
    });
    const heal = once(
      () =>
        hold.queue.run(async () => {
          hold.holders.splice(hold.holders.indexOf(step), 1);
          if (hold.holders.length === 0) await enable(true);
        }),
      onError,
    );
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
