// The embedded target: the runner starts the Triggers API itself, in-process, on an embedded store
// it owns, with its DynamoDB traffic and its webhook traffic going through the fault proxy's links.
import { loadConfig, startEmbeddedStore, startStack } from '../../reference-server/src/index.js';
import type { EmbeddedTarget } from '../scenario/target-schema.js';
import { ScenarioError } from '../scenario/scenario-error.js';
import { embeddedEnv } from './embedded-env.js';
import type { ProxyLinks } from './proxy-links.js';
import type { TargetHandle } from './target.js';

/** What starting the embedded target needs from the run. */
export interface EmbeddedTargetOptions {
  seed: number;
  proxies: ProxyLinks;
  /** `host:port` of the runner's receiver, for the receiver link. */
  receiverAddress: string;
}

/** Wraps a start-up failure as `setup_failed` (exit 3), keeping a ScenarioError as it is. */
export function setupFailed(what: string) {
  return (err: unknown): never => {
    if (err instanceof ScenarioError) throw err;
    throw new ScenarioError('setup_failed', `cannot start ${what}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  };
}

/**
 * Starts store, links and server (or server and worker processes, with `mode: processes`). Throws
 * `ScenarioError` `setup_failed` when any of it cannot start, after stopping what did.
 * @example const target = await startEmbeddedTarget(scenario.target, { seed, proxies, receiverAddress });
 */
export async function startEmbeddedTarget(spec: EmbeddedTarget, options: EmbeddedTargetOptions): Promise<TargetHandle> {
  const store = await startEmbeddedStore().catch(setupFailed('the embedded store'));
  try {
    const db = await options.proxies.link('dynamodb', new URL(store.endpoint).host);
    const receiver = await options.proxies.link('receiver', options.receiverAddress);
    const env = embeddedEnv(options.seed, spec.env);
    const dynamodbEndpoint = db.route.rewrite(store.endpoint);
    if (spec.mode === 'processes') {
      const { startProcessGroup } = await import('./process-group.js');
      const group = await startProcessGroup({ dynamodbEndpoint, env, workers: spec.workers });
      return {
        baseUrl: group.baseUrl,
        adminToken: group.adminToken,
        proxies: options.proxies,
        processes: group,
        webhookUrl: (url) => receiver.route.rewrite(url),
        close: async () => {
          await group.close();
          await store.stop();
        },
      };
    }
    const stack = await startStack({ dynamodbEndpoint, config: loadConfig(env), chaos: { enabled: true, seed: options.seed } });
    let closing: Promise<void> | undefined;
    return {
      baseUrl: stack.url,
      adminToken: stack.adminToken,
      proxies: options.proxies,
      webhookUrl: (url) => receiver.route.rewrite(url),
      close() {
        closing ??= stack.close().finally(() => store.stop());
        return closing;
      },
    };
  } catch (err) {
    await store.stop();
    return setupFailed('the embedded Triggers API')(err);
  }
}
