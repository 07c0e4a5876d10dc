// What the project's two outbound transports cost their sender, each against the way it replaced, in
// one run and in rounds taken side by side: a webhook attempt (sendWebhook, over undici's dispatch
// API) against the same signed POST through undici's `request` with its body read as a stream, and a
// DynamoDB PutItem through the project's client (its undici handler, one signer, no user-agent
// middleware) against the SDK as it ships (its node:http handler). CPU of this process per call; the
// receivers are other processes.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { Agent, request } from 'undici';
import { runClosedLoop } from '../load/src/closed-loop.js';
import { sendWebhook } from '../reference-server/src/delivery/send-webhook.js';
import { signWebhook } from '../reference-server/src/domain/webhook-signature.js';
import { createDynamo } from '../reference-server/src/store/dynamo-client.js';
import { startEmbeddedDynamo } from '../reference-server/src/store/embedded-dynalite.js';
import { ensureTables } from '../reference-server/src/store/tables.js';
import { spawnEntry } from '../test/support/spawn-entry.js';
import { median, rangeOf } from './process-cpu.js';
import { table, type Goal } from './record.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const IN_FLIGHT = 16;
const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const body = JSON.stringify({ type: 'order.created', delivery_id: 'dlv_bench', webhook_id: 'wh_bench', timestamp: '2026-12-06T00:00:00.000Z', data: { payload: { order: 1234, amount: 99.5, items: ['a', 'b', 'c'] } } });

/** CPU µs of this process per op over a closed loop of `op`, and ops/s. */
async function cpuPerOp(op: () => Promise<boolean>): Promise<{ us: number; rate: number; errors: number }> {
  const c0 = process.cpuUsage();
  const r = await runClosedLoop({ concurrency: IN_FLIGHT, durationMs: SECONDS * 1000, op });
  const c = process.cpuUsage(c0);
  return { us: (c.user + c.system) / Math.max(1, r.ops), rate: r.opsPerSecond, errors: r.errors };
}

export default async function transport() {
  const receiver = await spawnEntry('bench/ok-receiver.ts', {}, (out) => /listening on/.test(out));
  const db = await startEmbeddedDynamo();
  const dispatcher = new Agent({ connections: IN_FLIGHT });
  const stock = new DynamoDBClient({ endpoint: db.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const { client: project } = createDynamo({ endpoint: db.endpoint });
  try {
    const url = `${/listening on (\S+)/.exec(receiver.output())![1]}/hook`;
    // The attempt as it was sent before: signed the same way, undici's `request`, the body read as a stream.
    const viaRequest = async () => {
      const headers = { ...signWebhook({ secret, webhookId: 'dlv_bench', timestampSeconds: Math.floor(Date.now() / 1000), body }), 'content-type': 'application/json' };
      const res = await request(url, { method: 'POST', headers, body, dispatcher, headersTimeout: 10_000, bodyTimeout: 10_000, signal: AbortSignal.timeout(10_000) });
      for await (const chunk of res.body) void chunk;
      return res.statusCode === 200;
    };
    const viaDispatch = async () => {
      const out = await sendWebhook({ url, secret, messageId: 'dlv_bench', body, attempt: 1, nowMs: Date.now(), timeoutMs: 10_000, dispatcher });
      return out.result.kind === 'response' && out.result.statusCode === 200;
    };
    await ensureTables(project, 'bench-transport-');
    let id = 0;
    const put = (via: DynamoDBClient) => async () => {
      await via.send(new PutItemCommand({ TableName: 'bench-transport-events', Item: { tenant_id: { S: 'tnt_bench' }, event_id: { S: `evt_${id++}` }, payload_json: { S: body } } }));
      return true;
    };
    // Warm-up: both paths compiled before the first round.
    for (const op of [viaRequest, viaDispatch, put(stock), put(project)]) await runClosedLoop({ concurrency: IN_FLIGHT, durationMs: 1000, op });

    const rounds: { request: number; dispatch: number; stock: number; project: number; errors: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const [a, b, c, d] = [await cpuPerOp(viaRequest), await cpuPerOp(viaDispatch), await cpuPerOp(put(stock)), await cpuPerOp(put(project))];
      rounds.push({ request: a.us, dispatch: b.us, stock: c.us, project: d.us, errors: a.errors + b.errors + c.errors + d.errors });
      console.log(`  round ${round}: webhook attempt ${a.us.toFixed(0)} → ${b.us.toFixed(0)} µs; PutItem ${c.us.toFixed(0)} → ${d.us.toFixed(0)} µs of CPU`);
    }
    const of = (pick: (r: (typeof rounds)[number]) => number) => rounds.map(pick);
    const cell = (pick: (r: (typeof rounds)[number]) => number, digits = 0) => {
      const [lo, hi] = rangeOf(of(pick));
      return `${median(of(pick)).toFixed(digits)} (${lo.toFixed(digits)}–${hi.toFixed(digits)})`;
    };
    const attemptRatio = (r: (typeof rounds)[number]) => r.dispatch / r.request;
    const putRatio = (r: (typeof rounds)[number]) => r.project / r.stock;
    const goals: Goal[] = [
      { name: 'webhook attempt CPU, dispatch / request, median of rounds', value: median(of(attemptRatio)), range: rangeOf(of(attemptRatio)), op: '<=', target: 0.8 },
      { name: "PutItem CPU, project's client / the SDK as it ships, median of rounds", value: median(of(putRatio)), range: rangeOf(of(putRatio)), op: '<=', target: 0.85 },
    ];
    return {
      title: 'Outbound transports: webhook attempts and DynamoDB calls, CPU of the sender',
      body: table(
        ['measure', `median of ${ROUNDS} rounds (range)`],
        [
          [`signed webhook POST through undici's \`request\`, body read as a stream, ${IN_FLIGHT} in flight (baseline)`, `${cell((r) => r.request)} µs of CPU per attempt`],
          ['the same through `sendWebhook` (undici `dispatch`, 1 KB kept)', `${cell((r) => r.dispatch)} µs`],
          ['**ratio dispatch / request**', `**${cell(attemptRatio, 2)}**`],
          [`PutItem through the SDK as it ships (node:http handler), ${IN_FLIGHT} in flight (baseline)`, `${cell((r) => r.stock)} µs of CPU per call`],
          ["the same through the project's client (store/dynamo-client.ts: the undici handler, one signer, no user-agent middleware)", `${cell((r) => r.project)} µs`],
          ["**ratio project's client / SDK as it ships**", `**${cell(putRatio, 2)}**`],
          ['failed calls, all rounds', `${rounds.reduce((n, r) => n + r.errors, 0)}`],
        ],
      ),
      method: [
        `Closed loops of ${SECONDS} s each, ${IN_FLIGHT} in flight, in BENCH_ROUNDS rounds (default 3) taken side by side; CPU is`,
        'this process\'s (user + system) per completed call, so the receivers\' work is not in it: the webhook receiver',
        '(bench/ok-receiver.ts) and dynalite run as processes of their own. The ratios are taken within each round.',
      ].join('\n'),
      goals,
    };
  } finally {
    stock.destroy();
    project.destroy();
    await dispatcher.close();
    receiver.child.kill('SIGTERM');
    await receiver.exited;
    await db.stop();
  }
}
