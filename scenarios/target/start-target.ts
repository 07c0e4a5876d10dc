// Reaches the scenario's target, whichever kind: starts the embedded stack behind fresh proxy links,
// starts a command, or connects to a URL, and reports which proxy it used.
import type { Target } from '../scenario/target-schema.js';
import { ScenarioError } from '../scenario/scenario-error.js';
import { startEmbeddedTarget } from './embedded-target.js';
import { startProxyLinks, type ProxyLinks } from './proxy-links.js';
import type { TargetHandle } from './target.js';
import { connectUrlTarget } from './url-target.js';
import { startCommandTarget } from './command-target.js';

/** What reaching a target needs. */
export interface StartTargetOptions {
  seed: number;
  runId: string;
  receiverAddress: string;
  toxiproxyUrl?: string;
  env: Record<string, string | undefined>;
  /**
   * The run's stop (a Ctrl-C): a command target's wait for its ready URL ends at once and the command
   * is stopped, and a url target's first probe is cut, with `ScenarioError` `setup_failed`.
   */
  signal?: AbortSignal;
}

/**
 * Starts or connects to the target. Throws `ScenarioError`: `invalid_options` (a missing admin token
 * variable), `target_unreachable` or `setup_failed` (also when `signal` stopped it); whatever was
 * started is stopped first.
 */
export async function startTarget(spec: Target, options: StartTargetOptions): Promise<{ target: TargetHandle; proxies?: ProxyLinks }> {
  if (options.signal?.aborted) throw new ScenarioError('setup_failed', `stopped before the ${spec.kind} target was started`);
  if (spec.kind === 'url') return { target: await connectUrlTarget(spec, options.env, options.signal) };
  const proxies = await startProxyLinks({ seed: options.seed, runId: options.runId, toxiproxyUrl: options.toxiproxyUrl }).catch((err: unknown) => {
    throw new ScenarioError('setup_failed', `cannot reach the fault proxy${options.toxiproxyUrl ? ` at ${options.toxiproxyUrl}` : ''}: ${(err as Error).message}`, { cause: err });
  });
  try {
    const target =
      spec.kind === 'embedded'
        ? await startEmbeddedTarget(spec, { seed: options.seed, proxies, receiverAddress: options.receiverAddress })
        : await startCommandTarget(spec, { proxies, receiverAddress: options.receiverAddress, env: options.env, signal: options.signal });
    return { target, proxies };
  } catch (err) {
    await proxies.close();
    throw err;
  }
}
