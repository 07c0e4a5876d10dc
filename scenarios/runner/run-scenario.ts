// runScenario: one scenario against its target, start to verdict. Sets up (receiver, proxy links,
// target, tenant, webhooks), runs baseline → method → recovery under open-model load, rolls back,
// quiesces, reads back, judges, and writes the journal, history and JUnit report.
import { randomInt } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createRandom, hashSeed } from '../../chaos/src/index.js';
import type { Adapter } from '../adapters/adapter.js';
import { createAdapter } from '../adapters/create-adapter.js';
import { timedRequest } from '../adapters/timed-request.js';
import { defaultCheckers } from './default-checkers.js';
import type { Checker } from '../checkers/checker.js';
import { assertChaosEnabled, healAllChaos } from '../faults/chaos-fault.js';
import { openHistoryWriter } from '../history/jsonl.js';
import { startReceiver } from '../receiver/receiver.js';
import { connectRemoteReceiver } from '../receiver/remote-receiver.js';
import type { CheckerName } from '../scenario/judgement-schema.js';
import { parseScenario } from '../scenario/parse-scenario.js';
import type { Scenario, ScenarioInput } from '../scenario/scenario-schema.js';
import { startTarget } from '../target/start-target.js';
import type { ProxyLinks } from '../target/proxy-links.js';
import type { TargetHandle } from '../target/target.js';
import type { Journal, RollbackReading, RunStatus } from './journal.js';
import { judgeRun, measurementCuts, phaseWindows } from './judge-run.js';
import { driveLoad, type LoadSummary } from './load-driver.js';
import { claimRunDir, outputPaths, runDirName, writeOutputs } from './outputs.js';
import { preflightError } from './preflight.js';
import { startProbeSampler } from './probe-sampler.js';
import { quiesceAndRead } from './quiesce.js';
import { startRunClock, type RunClock } from './run-clock.js';
import type { RunEvent } from './run-events.js';
import { RunRecorder } from './run-recorder.js';
import { startTimeline, type Timeline } from './timeline.js';
import { startTicker } from './ticker.js';
import { failFastWatch } from './fail-fast.js';
import { buildJournal } from './build-journal.js';
import { warmUp } from './warm-up.js';

/** How to run. Every field is optional. */
export interface RunOptions {
  /** Replays a run: the same fault decisions and load schedule (default: the scenario's, or drawn). */
  seed?: number;
  /** Output directory (default `.aftershock/runs/<time>-<slug>/`). */
  out?: string;
  /** The file the scenario came from (for the journal and the replay command). */
  file?: string;
  /** CLI options besides the file and seed that shape the run (`--target url --base-url …`), for the replay command. */
  replayArgs?: readonly string[];
  /** Stop at the first failed phase gate (rollbacks still run); the run is `aborted`. */
  failFast?: boolean;
  /** Aborting it interrupts the run (SIGINT/SIGTERM): rollbacks run, status `interrupted`. */
  signal?: AbortSignal;
  /** A real Toxiproxy's API instead of the built-in proxy (default: `env.TOXIPROXY_URL`). */
  toxiproxyUrl?: string;
  /** Where admin tokens and template variables are read from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Progress events, as they happen. */
  onEvent?: (event: RunEvent) => void;
  /** Rewrites the webhook URL the runner registers (e.g. a tunnel's public URL in front of the receiver). */
  webhookUrl?: (url: string) => string;
  /**
   * A remote `aftershock receiver` (its base URL, as the runner reaches it) instead of the runner's own;
   * `receiver` faults drive its control API. Default: a receiver in the runner, on 127.0.0.1.
   */
  receiverUrl?: string;
  /** With `receiverUrl`: where the target must send webhooks, e.g. through a proxy (default `<receiverUrl>/hook`); the run adds a path segment of its own. */
  receiverWebhookUrl?: string;
  /** Replaces checkers (tests use it to prove a gate fails); defaults to the five. */
  checkers?: Partial<Record<CheckerName, Checker>>;
}

function isParsed(input: Scenario | ScenarioInput): input is Scenario {
  return typeof (input as Scenario).phases?.baseline === 'number' && Array.isArray((input as Scenario).rollbacks);
}

/**
 * Runs one scenario and returns its journal (also written to `journal.outputs.dir`). Gate failures
 * are in the journal (`status: 'failed'`), not thrown. Throws `ScenarioError` when the scenario is
 * invalid (`exitCode` 2) or the target cannot be reached or set up (`exitCode` 3).
 *
 * @example
 * const journal = await runScenario(defineScenario({ title: 'smoke', load: { rate: 10 }, phases: { baseline: '2s', fault: '2s', recovery: '2s' } }));
 * expect(journal.status).toBe('completed');
 */
export async function runScenario(input: Scenario | ScenarioInput, options: RunOptions = {}): Promise<Journal> {
  const scenario = isParsed(input) ? input : parseScenario(input, options.file);
  const env = options.env ?? process.env;
  const refused = preflightError(scenario, env, options.file);
  if (refused) throw refused;
  const seed = options.seed ?? scenario.seed ?? randomInt(2 ** 31 - 1);
  const emit = options.onEvent ?? (() => undefined);
  const setupClock = startRunClock();
  const runId = runDirName(scenario.title, setupClock.startedAt);
  const shortId = hashSeed(runId, String(seed)).toString(36);
  let outputs = outputPaths(resolve(options.out ?? `.aftershock/runs/${runId}`));
  const phases = phaseWindows(scenario);
  const total = phases.recovery.end;
  const recorder = new RunRecorder(measurementCuts(scenario));
  const errors: string[] = [];
  const onError = (err: unknown) => void errors.push(err instanceof Error ? err.message : String(err));
  const abort = new AbortController();
  // Every request in flight listens on the run's signal, so it may have thousands of listeners.
  setMaxListeners(0, abort.signal);
  let status: RunStatus | undefined;
  let clock: RunClock = setupClock;
  // When the run was stopped (ms since the run started; 0 when it stopped during set-up), for the gates' details.
  let stoppedAt: number | null = null;
  // With --fail-fast, the phase whose gate failed: the phases after it are not judged.
  let failedPhase: string | undefined;
  const stop = (as: RunStatus) => {
    status ??= as;
    stoppedAt ??= clock === setupClock ? 0 : clock.now();
    abort.abort();
  };
  const interrupt = () => stop('interrupted');
  if (options.signal?.aborted) interrupt();
  options.signal?.addEventListener('abort', interrupt, { once: true });

  let adapter: Adapter | undefined;
  const receiverRandom = createRandom(hashSeed(String(seed), 'receiver'));
  const identify = (headers: IncomingHttpHeaders, body: string) => adapter!.identify(headers, body);
  const receiverUrl = options.receiverUrl;
  const receiver = receiverUrl
    ? await connectRemoteReceiver({ url: receiverUrl, webhookUrl: options.receiverWebhookUrl, runId: shortId, now: () => clock.now(), identify, onReceipt: (r) => recorder.receipt(r), onError, seed })
    : await startReceiver({ now: () => clock.now(), random: () => receiverRandom.next(), identify, onReceipt: (r) => recorder.receipt(r) });
  let proxies: ProxyLinks | undefined;
  let target: TargetHandle | undefined;
  let timeline: Timeline | undefined;
  let load: LoadSummary = { intended: 0, dropped: 0 };
  const rollbacks: RollbackReading[] = [];
  const rollback = async () => {
    for (const { heal } of scenario.rollbacks) {
      const before = errors.length;
      const kinds = heal === 'all' ? undefined : [heal];
      await timeline?.heal(kinds);
      if (heal === 'all' || heal === 'receiver') await Promise.resolve(receiver.heal()).catch(onError);
      // `all` heals chaos only where rules can have been installed: without an admin token there is no
      // control API to reach (a service of one's own), and saying so after every run is noise.
      const chaos = heal === 'chaos' || (heal === 'all' && target?.adminToken !== undefined);
      if (chaos && target) await healAllChaos({ baseUrl: target.baseUrl, adminToken: target.adminToken, onError, relay: target.processes?.relayChaos }).catch(onError);
      rollbacks.push({ heal, time: clock.now(), errors: errors.slice(before) });
    }
  };
  // Ctrl-C signals the terminal's whole process group: the embedded target's store, a child process of
  // the runner's, stops on it at once, and the teardown's requests then fail (503). What they would have
  // removed lives in that store and goes with it, so say that, not "left active". A store that still
  // answers keeps the teardown's own words: that failure is real. (The store is asked directly, behind
  // its proxy link: the service's readiness is cached, and may still say ready.)
  const teardownProblem = async (err: unknown): Promise<unknown> => {
    const store = proxies?.links.get('dynamodb')?.proxy.upstream;
    if (status !== 'interrupted' || scenario.target.kind !== 'embedded' || store === undefined) return err;
    if ((await timedRequest(`http://${store}/`, {}, 2_000)).status !== 0) return err;
    return new Error(
      "the run's webhook and API key were not removed: the embedded target's store had already stopped on the interrupt (a signal to the whole process group reaches it too); they went with it",
    );
  };
  let final: Awaited<ReturnType<typeof quiesceAndRead>> | undefined;
  try {
    emit({ type: 'setup', message: `seed ${seed}; starting ${scenario.target.kind} target` });
    // The run's signal: a Ctrl-C while a command target starts stops the wait for it at once.
    const started = await startTarget(scenario.target, { seed, runId: shortId, receiverAddress: receiver.address, toxiproxyUrl: options.toxiproxyUrl ?? env.TOXIPROXY_URL, env, signal: abort.signal });
    proxies = started.proxies;
    target = started.target;
    if (scenario.method.some((step) => step.fault?.chaos)) await assertChaosEnabled({ baseUrl: target.baseUrl, adminToken: target.adminToken, onError });
    const adminTokenVariable = scenario.target.kind === 'embedded' ? undefined : scenario.target.admin_token_env;
    adapter = createAdapter(scenario.adapter, { baseUrl: target.baseUrl, adminToken: target.adminToken, adminTokenVariable, runId: shortId, env });
    const hookUrl = target.webhookUrl(receiver.url);
    // Deliveries are awaited for the webhooks registered: none when the adapter registers none (a
    // service of one's own without register_webhook), and the quiescence then ends as soon as it can.
    const hooks = (await adapter.setup(options.webhookUrl ? options.webhookUrl(hookUrl) : hookUrl, scenario.webhooks)).length;
    if (!(await warmUp(adapter, scenario.steady_state.find((p) => p.http)?.http?.get ?? '/'))) errors.push('the target was still slow to answer when the run started');

    // The history goes to disk as it happens, so a run that is killed still leaves it.
    // --out is the caller's to reuse; the default directory is this run's alone.
    if (options.out === undefined) outputs = outputPaths(await claimRunDir(outputs.dir));
    else await mkdir(outputs.dir, { recursive: true });
    recorder.streamTo(openHistoryWriter(outputs.history));
    clock = startRunClock();
    const runClock = clock;
    // A process the target's supervisor saw exit on its own and started again (a crash injection).
    target.processes?.watch?.((change) => {
      recorder.record({ kind: 'process', process: change.process, action: change.action, time: runClock.now() });
      if (change.how?.startsWith('restart failed')) onError(new Error(`${change.process}: ${change.how}`));
      else if (change.note) onError(new Error(change.note));
    });
    timeline = startTimeline(scenario.method, { seed, target, receiver, clock, recorder, signal: abort.signal, onError, onEvent: emit });
    const sampler = startProbeSampler(scenario.steady_state, adapter, clock, recorder);
    const ticker = startTicker({ clock, recorder, total, emit, active: () => timeline!.activities.filter((a) => a.status === 'applied').length });
    const watch = failFastWatch({ scenario, phases, recorder, clock, signal: abort.signal, enabled: options.failFast === true, emit, onFail: (_gate, phase) => {
        failedPhase ??= phase;
        stop('aborted');
      },
    });
    const loadRun = driveLoad({ scenario, durationMs: scenario.load.duration ?? total, seed, runId: shortId, adapter, clock, recorder, signal: abort.signal });
    const aborted = new Promise<void>((r) => abort.signal.addEventListener('abort', () => r(), { once: true }));
    const loaded = await Promise.race([loadRun, aborted.then(() => undefined)]);
    await runClock.until(total, abort.signal);
    await Promise.race([timeline.done, aborted]);
    await rollback();
    // A stopped run heals first; its load then ends as soon as its requests in flight, cancelled by the
    // same signal, have settled, and counts what was planned up to the stop.
    load = loaded ?? (await loadRun);
    await watch.stop();
    ticker.stop();
    await sampler.stop();
    if (!abort.signal.aborted) {
      emit({ type: 'phase', phase: 'quiesce', time: clock.now() });
      final = await quiesceAndRead({ adapter, receiver, recorder, clock, webhooks: hooks, boundMs: scenario.quiesce, signal: abort.signal }).catch((err: unknown) => {
        // A service that cannot be read back is a finding, not a crash of the run: the checkers say so.
        onError(new Error(`reading the service back failed: ${(err as Error).message}`));
        return undefined;
      });
      if (final) recorder.record(final.final);
      if (final && !final.settled) errors.push(`the service had not settled after ${scenario.quiesce} ms of quiescence (${final.unsettled.join('; ')}); judged as it was`);
    }
    for (const note of adapter.notes?.() ?? []) errors.push(note);
  } finally {
    if (rollbacks.length === 0) await rollback().catch(onError);
    await adapter?.teardown?.().catch(async (err: unknown) => onError(await teardownProblem(err)));
    await target?.close().catch(onError);
    await proxies?.close().catch(onError);
    await receiver.close();
    await recorder.endStream().catch(onError);
    options.signal?.removeEventListener('abort', interrupt);
  }

  emit({ type: 'phase', phase: 'judge', time: clock.now() });
  const lastHeal = timeline?.lastHeal() ?? null;
  const verdicts = judgeRun({ scenario, recorder, phases, lastHeal, stoppedAt, ...(status === 'aborted' && failedPhase ? { failedPhase } : {}), checkers: status === undefined ? (options.checkers ?? defaultCheckers()) : {} });
  const journal = buildJournal({
    scenario,
    file: options.file,
    replayArgs: options.replayArgs,
    stoppedAs: status,
    seed,
    runId,
    startedAt: clock.startedAt,
    setupStartedAt: setupClock.startedAt,
    target: { kind: scenario.target.kind, base_url: target?.baseUrl ?? '', ...(proxies ? { proxy: proxies.api } : {}) },
    phases,
    lastHeal,
    load,
    recorder,
    activities: timeline?.activities ?? [],
    rollbacks,
    verdicts,
    errors,
    outputs,
  });
  await writeOutputs(journal, recorder.history, { historyWritten: recorder.streamed });
  return journal;
}
