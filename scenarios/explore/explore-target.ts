// The user's own service as exploration runs against it: reached (a url) or started (a command) once
// for the whole exploration and stopped at its end, with one receiver for every schedule. Each
// schedule registers its own webhook, at a path of its own on that receiver, so a late delivery of an
// earlier schedule is not judged as this one's; the runner's timeline applies its faults.
import { createRandom, hashSeed } from '../../chaos/src/index.js';
import { createAdapter } from '../adapters/create-adapter.js';
import type { Adapter } from '../adapters/adapter.js';
import { chaosState, healAllChaos } from '../faults/chaos-fault.js';
import { startReceiver, type Receiver } from '../receiver/receiver.js';
import { feedableCheckers } from '../runner/preflight.js';
import { startTimeline } from '../runner/timeline.js';
import { parseScenario } from '../scenario/parse-scenario.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import type { CommandTarget, UrlTarget } from '../scenario/target-schema.js';
import { startTarget } from '../target/start-target.js';
import { scheduleScenario, type ExploredService } from './schedule.js';
import type { ScheduleHost, ScheduleRun } from './schedule-host.js';
import { targetFamilies, type FamilyChoice } from './target-families.js';

/** A service of the user's own, reached for an exploration. */
export interface ExploreTarget extends FamilyChoice {
  service: ExploredService;
  /** Sets up one schedule's run on the service. */
  open(run: ScheduleRun): Promise<ScheduleHost>;
  /** Stops what the exploration started (a command's process, the receiver). Idempotent. */
  close(): Promise<void>;
}

/** The schedule whose webhook the receiver is serving now. */
interface Current {
  path: string;
  run: ScheduleRun;
  adapter: Adapter;
}

/** A scenario whose target is the user's own service. */
export type ServiceScenario = Scenario & { target: UrlTarget | CommandTarget };

/**
 * Starts the receiver, reaches or starts the target, and asks its chaos control what it can take.
 * Throws `ScenarioError` (`target_unreachable`, `setup_failed`) as `aftershock run` would, after
 * stopping whatever it started.
 * @example const target = await startExploreTarget(scenario, { seed: 7, env: process.env }); console.log(target.offered);
 */
export async function startExploreTarget(scenario: ServiceScenario, options: { seed: number; env: Record<string, string | undefined>; toxiproxyUrl?: string }): Promise<ExploreTarget> {
  let current: Current | undefined;
  const random = createRandom(hashSeed(String(options.seed), 'receiver'));
  const receiver: Receiver = await startReceiver({
    now: () => current?.run.now() ?? 0,
    random: () => random.next(),
    identify: (headers, body) => current?.adapter.identify(headers, body) ?? { delivery_id: '', event_id: '', webhook_id: '' },
    onReceipt: (receipt, request) => {
      if (current && request.path === current.path) current.run.recorder.receipt(receipt);
    },
  });
  const runId = `explore-${options.seed.toString(36)}`;
  const started = await startTarget(scenario.target, { seed: options.seed, runId, receiverAddress: receiver.address, toxiproxyUrl: options.toxiproxyUrl, env: options.env }).catch(async (err: unknown) => {
    await receiver.close();
    throw err;
  });
  const { target, proxies } = started;
  const chaos = scenario.adapter === 'triggers-api' ? await chaosState({ baseUrl: target.baseUrl, adminToken: target.adminToken, onError: () => undefined }) : undefined;
  const families = targetFamilies(scenario, chaos);
  // A command that exited without the runner asking is started again before the next schedule:
  // its exit is recorded in the schedule it happened in, which the checkers then judge.
  let exited = false;
  target.processes?.watch?.((change) => {
    if (change.action === 'exit') exited = true;
    current?.run.recorder.record({ kind: 'process', process: change.process, action: change.action, time: current.run.now() });
  });
  const service: ExploredService = { target: scenario.target, adapter: scenario.adapter, webhooks: scenario.webhooks, load: scenario.load, checkers: feedableCheckers(scenario) };
  const adminTokenVariable = scenario.target.admin_token_env;
  let closing: Promise<void> | undefined;
  return {
    ...families,
    service,
    async open(run) {
      if (exited && target.processes) {
        exited = false;
        await target.processes.restart('server', 0);
      }
      const schedule = parseScenario(scheduleScenario(run.schedule, run.seed, run.shape, 'Explored fault schedule', service, run.quiesceMs));
      const adapter = createAdapter(service.adapter, { baseUrl: target.baseUrl, adminToken: target.adminToken, adminTokenVariable, runId: run.runId, env: options.env });
      const hook = `${receiver.url}/${run.runId}`;
      current = { path: new URL(hook).pathname, run, adapter };
      const errors: string[] = [];
      const onError = (err: unknown) => void errors.push(err instanceof Error ? err.message : String(err));
      return {
        scenario: schedule,
        adapter,
        receiver,
        webhookUrl: target.webhookUrl(hook),
        checkers: service.checkers,
        startFaults(clock, signal) {
          const timeline = startTimeline(schedule.method, { seed: run.seed, target, receiver, clock, recorder: run.recorder, signal, onError, onEvent: () => undefined });
          return {
            done: timeline.done,
            async healAll() {
              await timeline.heal();
              receiver.heal();
              if (chaos === 'on') await healAllChaos({ baseUrl: target.baseUrl, adminToken: target.adminToken, onError }).catch(onError);
            },
            injections: () => timeline.activities.reduce((n, a) => n + (a.injections ?? 0), 0),
            problems: () => [...timeline.activities.filter((a) => a.status === 'failed').map((a) => `${a.name} (${a.kind}): ${a.error}`), ...errors],
          };
        },
        async close() {
          current = undefined;
          // Each schedule registers a webhook: one the service refuses to remove is left behind, and
          // every later schedule would leave one more, so the exploration stops on it.
          await adapter.teardown?.();
        },
      };
    },
    close() {
      closing ??= (async () => {
        await target.close().catch(() => undefined);
        await proxies?.close().catch(() => undefined);
        await receiver.close();
      })();
      return closing;
    },
  };
}
