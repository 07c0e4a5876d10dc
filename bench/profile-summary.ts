// Summarises V8 CPU profiles (`node --cpu-prof`, e.g. via SERVER_NODE_ARGS / WORKER_NODE_ARGS) as
// shares of busy self time by part of the stack, so docs/BENCHMARKS.md can say where the time goes.
// Usage: npx tsx bench/profile-summary.ts [--skip seconds] <file.cpuprofile>...  (one table per file)
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Ordered rules: the first whose test matches a frame names its part. */
const PARTS: [string, (url: string, fn: string) => boolean][] = [
  ['idle', (_u, fn) => fn === '(idle)'],
  ['GC', (_u, fn) => fn === '(garbage collector)'],
  ['AWS SDK: marshalling (util-dynamodb, lib-dynamodb)', (u) => /@aws-sdk\/(util|lib)-dynamodb/.test(u)],
  ['AWS SDK: protocol, serde, middleware (client-dynamodb, core, smithy)', (u) => /node_modules\/(@aws-sdk|@smithy|@aws-crypto)\//.test(u)],
  ['Express, router, body parsing', (u) => /node_modules\/(express|router|body-parser|raw-body|finalhandler|iconv-lite|type-is|content-type|media-typer|mime-types|on-finished|qs|send|accepts|negotiator|parseurl|path-to-regexp|depd|http-errors|statuses|encodeurl|escape-html|vary|cookie)\//.test(u)],
  ['logging (pino, pino-http)', (u) => /node_modules\/(pino|pino-http|pino-std-serializers|sonic-boom|fast-redact|thread-stream)\//.test(u)],
  ['validation (zod)', (u) => /node_modules\/zod\//.test(u)],
  ['metrics (prom-client)', (u) => /node_modules\/(prom-client|tdigest|bintrees)\//.test(u)],
  ['undici', (u) => /node_modules\/undici\//.test(u)],
  // The store's own process (STORE_NODE_ARGS in open-model-run): dynalite's request checks, the rest of
  // dynalite (actions, keys, indexes), and the level stack under it.
  ['dynalite: validating requests', (u) => /node_modules\/dynalite\/validations\//.test(u)],
  ['dynalite: actions, keys, indexes', (u) => /node_modules\/(dynalite|lock|lazy|big\.js|async|once|buffer-crc32|minimist)\//.test(u)],
  ['dynalite storage (level, in-memory tree, encoding)', (u) => /node_modules\/(levelup|leveldown|memdown|memory-level|classic-level|abstract-level|abstract-leveldown|encoding-down|deferred-leveldown|level-[a-z-]+|subleveldown|functional-red-black-tree|module-error)\//.test(u)],
  ['other dependencies', (u) => u.includes('node_modules/')],
  ['project: http', (u) => u.includes('/reference-server/src/http/')],
  ['project: store', (u) => u.includes('/reference-server/src/store/')],
  ['project: workers, delivery', (u) => /\/reference-server\/src\/(workers|delivery)\//.test(u)],
  ['project: chaos', (u) => u.includes('/chaos/src/')],
  ['project: other', (u) => /\/(reference-server|bench|test|load)\//.test(u)],
  ['node: http', (u) => /^node:_http|^node:http/.test(u)],
  ['node: net, streams, timers, events', (u) => /^node:(net|stream|internal\/(stream|streams|timers|event_target|abort_controller|process\/task_queues|net)|events|timers)/.test(u)],
  ['node: crypto', (u) => /^node:(crypto|internal\/crypto)/.test(u)],
  ['node: other', (u) => u.startsWith('node:')],
  ['socket writes (writev, write…String: the system calls)', (u, fn) => u === '' && /^(writev|write\w*String|writeBuffer)$/.test(fn)],
  ['native (JSON, RegExp, microtasks, program)', () => true],
];

/**
 * Longest gap between two samples that is still time spent (V8 samples about every millisecond). A
 * process stopped with SIGSTOP (the drain bench pauses its worker so) stops its sampler too, and the
 * next sample then spans the whole pause: it once put 28 % of a worker's "busy" time in one frame.
 */
const STOPPED_GAP_MS = 100;

/**
 * Busy self time by part, in ms, from one profile; `skipMs` leaves out its first ms (start-up: module
 * loading, compiling). Samples spanning a pause (see STOPPED_GAP_MS) are counted apart, as `stopped`.
 */
export function summarise(profile: CpuProfile, skipMs = 0): Map<string, number> {
  const partOf = new Map<number, string>();
  for (const node of profile.nodes) partOf.set(node.id, PARTS.find(([, test]) => test(node.callFrame.url, node.callFrame.functionName))![0]);
  const ms = new Map<string, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    at += delta;
    if (at < skipMs) return;
    const part = delta > STOPPED_GAP_MS ? 'stopped' : partOf.get(id)!;
    ms.set(part, (ms.get(part) ?? 0) + delta);
  });
  return ms;
}

/** A markdown table: each part's share of busy (non-idle) time, largest first. */
export function sharesTable(ms: Map<string, number>): string {
  const busyParts = [...ms].filter(([part]) => part !== 'idle' && part !== 'stopped');
  const busy = busyParts.reduce((sum, [, t]) => sum + t, 0);
  const rows = busyParts.sort((a, b) => b[1] - a[1]);
  const lines = ['| part | share of busy time |', '| --- | --- |', ...rows.map(([part, t]) => `| ${part} | ${((100 * t) / busy).toFixed(1)} % |`)];
  const stopped = ms.get('stopped') ?? 0;
  return `${lines.join('\n')}\n\nbusy ${(busy / 1000).toFixed(1)} s, idle ${((ms.get('idle') ?? 0) / 1000).toFixed(1)} s${stopped > 0 ? `, stopped ${(stopped / 1000).toFixed(1)} s (left out)` : ''}`;
}

const usage = `usage: npx tsx bench/profile-summary.ts [--skip seconds] <file.cpuprofile>...

Prints, per profile, each part of the stack as a share of busy self time (idle excluded).

options:
  --skip <s>  leave out the first s seconds of each profile (start-up), default 0
  -h, --help  show this help`;
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { help: { type: 'boolean', short: 'h', default: false }, skip: { type: 'string', default: '0' } } });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const skipMs = Number(values.skip) * 1000;
  if (!Number.isFinite(skipMs) || skipMs < 0) {
    console.error('profile-summary: --skip takes a number of seconds ≥ 0 (see --help)');
    process.exit(2);
  }
  if (positionals.length === 0) {
    console.error('profile-summary: name at least one .cpuprofile file (see --help)');
    process.exit(2);
  }
  for (const file of positionals) {
    console.log(`\n### ${basename(file)}\n`);
    console.log(sharesTable(summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, skipMs)));
  }
}
