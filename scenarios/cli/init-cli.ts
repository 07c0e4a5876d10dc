// `aftershock init [file]`: writes a starter scenario for the user's service, commented field by field,
// that `aftershock validate` accepts as written (once the environment it names is set). Written as text,
// not through a YAML library, because the comments are the point: they say what to change and why.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliCommand, quote } from '../runner/replay-command.js';
import { parseCommand } from './option-problem.js';
import { urlOptionProblem } from './target-options.js';

export const INIT_USAGE = `usage: aftershock init [file] [options]

Writes a starter scenario (default ./aftershock-scenario.yaml), commented field by field: load under
a webhook receiver outage, then recovery, judged on lost events, duplicate deliveries and recovery
time. Edit it, check it with aftershock validate, run it with aftershock run.

options:
  --target KIND      embedded | url | command (default: command with --run or --ready-url, url with
                     --base-url alone, else embedded, the reference Triggers API)
  --base-url URL     where your service answers: with --target url, or with --target command when
                     that is not the ready URL's origin
  --run CMD          with --target command: the command that starts your service
  --ready-url URL    with --target command: answers 2xx once it is ready
  --adapter KIND     triggers-api (the Triggers API, or a service with its API) | http (any other
                     service, described by request templates); default http unless embedded
  --force            overwrite the file
  -h, --help         this help

exit codes: 0 written · 2 bad options, or the file exists (use --force)`;

/** What the starter is written for. */
export interface StarterOptions {
  target: 'embedded' | 'url' | 'command';
  adapter: 'triggers-api' | 'http';
  baseUrl?: string;
  run?: string;
  readyUrl?: string;
  /** The `$schema` path written at the top, relative to the file. */
  schemaPath?: string;
}

/** The starter scenario's text. */
export function starterScenario(o: StarterOptions): string {
  const http = o.adapter === 'http';
  const lines: string[] = [];
  const add = (...more: string[]) => lines.push(...more);
  if (o.schemaPath) add(`# yaml-language-server: $schema=${o.schemaPath}`);
  add(
    'title: Webhook receiver outage, then recovery',
    'description: >',
    '  Events are created at a steady rate while the webhook receiver answers 503, then answers slowly, then',
    '  recovers. Nothing acknowledged may be lost, no delivery may arrive twice at once, and ingest and',
    '  delivery must be back within the recovery budget.',
    '',
  );
  if (o.target === 'embedded') {
    add('# The reference Triggers API, started by the runner in this process.', 'target: { kind: embedded }');
  } else if (o.target === 'url') {
    add(
      ...(http
        ? ['# A service that is already running. Faults reach it through the runner\'s own webhook receiver.', `target: { kind: url, base_url: ${JSON.stringify(o.baseUrl)} }`]
        : [
            '# A service that is already running. Faults reach it through the runner\'s own webhook receiver (and its',
            '# /_chaos API); its admin token comes from the variable admin_token_env names, never from this file.',
            `target: { kind: url, base_url: ${JSON.stringify(o.baseUrl)}, admin_token_env: AFTERSHOCK_ADMIN_TOKEN }`,
          ]),
    );
  } else {
    add(
      '# The runner starts your service with this command (in its own process group), waits for ready_url to',
      '# answer 2xx, and can kill and restart it (see method). Everything it prints is kept for the run\'s notes.',
      `target: { kind: command, run: ${JSON.stringify(o.run)}, ready_url: ${JSON.stringify(o.readyUrl)}, ${o.baseUrl ? `base_url: ${JSON.stringify(o.baseUrl)}, ` : ''}ready_timeout: 30s }`,
    );
  }
  add('');
  if (http) {
    add(
      '# How the runner speaks to your service. Change every path, body and JSON path to your API: {{seq}},',
      '# {{event_type}}, {{idempotency_key}}, {{id}}, {{receiver_url}}, {{run_id}} and {{env.NAME}} are filled in',
      '# per request. aftershock validate names any placeholder it cannot fill.',
      'adapter:',
      '  http:',
      '    # headers: { authorization: "Bearer {{env.MY_SERVICE_TOKEN}}" }   # sent with every request',
      '    create_event:',
      '      method: POST',
      '      path: /events',
      '      headers: { idempotency-key: "{{idempotency_key}}" }   # left out when the load sends a create without one',
      '      body: { type: "{{event_type}}", payload: { seq: "{{seq}}" } }',
      '      id: $.id                                   # where the new event\'s id is in the answer',
      '    read_event: { path: "/events/{{id}}" }        # 2xx: the event exists; 404: it does not',
      '    register_webhook:                           # the runner registers its receiver once, before the load',
      '      method: POST',
      '      path: /webhooks',
      '      body: { url: "{{receiver_url}}" }',
      '    receipt:                                    # how to read a delivery the receiver gets',
      '      event_id: $.event_id                      # the event\'s id in the delivered body',
      '      delivery_id_header: webhook-id            # the same on every retry of one delivery',
    );
  } else {
    add('# The Triggers API\'s own client: creates the run\'s API key and webhook with the admin token.', 'adapter: triggers-api');
  }
  add(
    '',
    '# Open-model load: 20 creates start every second, however slowly the service answers.',
    'load: { rate: 20, mix: { create_event: 1 } }',
    '',
    '# Back to back from the start of the run. Lengthen them for a service whose retries are slower.',
    'phases: { baseline: 2s, fault: 4s, recovery: 7s }',
    '',
    '# Probes, read every second. Gates and recovery time refer to them by name.',
    'steady_state:',
    '  - { name: ingest ok, metric: success_rate, of: create_event, tolerance: ">= 0.95" }',
    '  - { name: ingest p99, metric: latency_p99, of: create_event, tolerance: "<= 2s" }',
    '  - { name: delivery lag, metric: delivery_lag_p99, tolerance: "<= 5s" }',
    '',
    '# The faults, each healed by the runner at the end of its window.',
    'method:',
    '  - { name: receiver answers 503, at: 2s, for: 2s, fault: { receiver: { status: 503 } } }',
    '  # Every webhook answered 300ms late: two sends of one delivery at once overlap here, which is what',
    '  # no_concurrent_double_delivery sees (a receiver that answers at once leaves no overlap to see).',
    '  - { name: slow receiver, at: 4s, for: 2s, fault: { receiver: { delay: 300ms } } }',
  );
  if (o.target === 'command') {
    add(
      '  # Your service killed with SIGKILL mid-load and started again: one that keeps accepted events only in',
      '  # memory loses them here, which is what no_lost_events is for.',
      '  - { name: service killed, at: 5s, action: { kill: server, signal: SIGKILL, restart_after: 1s } }',
    );
  }
  if (o.adapter === 'triggers-api') {
    add(
      '  # A fault inside the service, through its /_chaos API (the reference server runs it with CHAOS_ENABLED=true):',
      '  # - { name: store throttled, at: 3s, for: 2s, fault: { chaos: { point: dynamodb, injector: { kind: dynamodb_error, error: ThrottlingException }, probability: 0.3 } } }',
    );
  }
  const invariants = ['no_lost_events', 'deliveries_complete', 'no_concurrent_double_delivery', 'same_id_on_retry', ...(http ? [] : ['analytics_exact'])];
  add(
    '',
    '# What decides pass (exit 0) or fail (exit 1).',
    'gates:',
    ...(o.target === 'command'
      ? [
          '  # Ingest while nothing is wrong: in the fault phase the service is down while it is killed and',
          '  # restarted, and the recovery gate below says how soon it is back.',
          '  - { phase: baseline, metric: success_rate, of: create_event, tolerance: ">= 0.95" }',
        ]
      : ['  # Ingest must not suffer while the receiver is down or slow.', '  - { phase: fault, metric: success_rate, of: create_event, tolerance: ">= 0.95" }']),
    '  # From the last heal until both probes hold, and keep holding for 2s: your retry policy\'s budget.',
    '  - { recovery_time: "<= 5s", probes: [ingest ok, delivery lag], hold: 2s }',
    `  - { invariants: [${invariants.join(', ')}] }`,
    '',
  );
  return lines.join('\n');
}

/** Where the published JSON Schema is, from this module: in the sources, or in an installed package. */
function schemaFile(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return ['../scenario.schema.json', '../../../scenarios/scenario.schema.json'].map((rel) => resolve(here, rel)).find((path) => existsSync(path));
}

/** Runs the command; resolves to the exit code. Never throws. */
export async function initCli(args: string[], io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream } = { out: process.stdout, err: process.stderr }): Promise<number> {
  const options = {
    target: { type: 'string' },
    'base-url': { type: 'string' },
    run: { type: 'string' },
    'ready-url': { type: 'string' },
    adapter: { type: 'string' },
    force: { type: 'boolean' },
  } as const;
  const parsed = parseCommand('init', INIT_USAGE, args, options, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const fail = (message: string) => {
    io.err.write(`aftershock init: ${message}\n`);
    return 2;
  };
  if (positionals.length > 1) return fail(`name one file, not ${positionals.length} (see aftershock init --help)`);
  // --run or --ready-url say the runner starts the service, whatever else is given; --base-url alone,
  // that it is running already.
  const target = values.target ?? (values.run || values['ready-url'] ? 'command' : values['base-url'] ? 'url' : 'embedded');
  if (target !== 'embedded' && target !== 'url' && target !== 'command') return fail(`--target ${target}: use embedded, url or command`);
  const adapter = values.adapter ?? (target === 'embedded' ? 'triggers-api' : 'http');
  if (adapter !== 'triggers-api' && adapter !== 'http') return fail(`--adapter ${adapter}: use triggers-api or http`);
  if (target === 'embedded' && adapter === 'http') return fail('the embedded target is the Triggers API: use --adapter triggers-api, or point --target at your service');
  const badUrl = urlOptionProblem(values, ['base-url', 'ready-url'], 'http://127.0.0.1:3000');
  if (badUrl) return fail(badUrl);
  // An option the chosen target has no place for would be dropped from the starter without a word.
  const given = (names: readonly string[]) => names.filter((n) => values[n as keyof typeof values] !== undefined).map((n) => `--${n}`);
  const foreign = target === 'embedded' ? given(['base-url', 'run', 'ready-url']) : target === 'url' ? given(['run', 'ready-url']) : [];
  if (foreign.length > 0) {
    return fail(
      target === 'embedded'
        ? `${foreign.join(' and ')} describe${foreign.length === 1 ? 's' : ''} your own service, and the embedded target is the Triggers API: drop ${foreign.length === 1 ? 'it' : 'them'}, or leave out --target embedded`
        : `${foreign.join(' and ')} ${foreign.length === 1 ? 'is' : 'are'} for a service the runner starts (--target command), and a url target is running already: drop ${foreign.length === 1 ? 'it' : 'them'}, or leave out --target url`,
    );
  }
  if (target === 'url' && !values['base-url']) return fail('--target url needs --base-url URL, where your service answers');
  if (target === 'command' && (!values.run || !values['ready-url'])) return fail('--target command needs --run CMD and --ready-url URL (answers 2xx once the service is ready)');
  const file = positionals[0] ?? 'aftershock-scenario.yaml';
  if (existsSync(file) && !values.force) return fail(`${file} exists: name another file, or overwrite it with --force`);
  const schema = schemaFile();
  const text = starterScenario({
    target,
    adapter,
    baseUrl: values['base-url'],
    run: values.run,
    readyUrl: values['ready-url'],
    schemaPath: schema && relative(dirname(resolve(file)), schema),
  });
  try {
    await writeFile(file, text);
  } catch (err) {
    return fail(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const cli = cliCommand();
  const steps = [
    ...(adapter === 'http' ? ['edit adapter.http: the paths, bodies and JSON paths of your API (the comments say what each is)'] : []),
    ...(adapter === 'triggers-api' && target !== 'embedded' ? ['export AFTERSHOCK_ADMIN_TOKEN=…   # the service\'s admin token'] : []),
    `${cli} validate ${quote(file)}   # every problem, then the plan`,
    `${cli} run ${quote(file)}`,
  ];
  io.out.write(`wrote ${file} (${adapter} adapter, ${target} target)\nnext:\n${steps.map((s, i) => `  ${i + 1}. ${s}\n`).join('')}`);
  return 0;
}
