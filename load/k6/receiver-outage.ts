// k6 version of the catalog's example scenario (SPEC §5.1, "Receiver outage, then recovery"): load
// at 50/s through baseline, fault and recovery phases while the receiver link is down for 20 s, a
// DynamoDB throttle and a DynamoDB latency toxic overlap it. The worker kill step needs process
// control, which k6 does not have: `aftershock run` covers it.
import type { Options } from 'k6/options';
import { readEnv } from './lib/env.ts';
import { chaosRule, healAll, linkDown, playTimeline, toxic } from './lib/faults.ts';
import { summaryFiles } from './lib/summary.ts';
import { standardTimeline, timelineOptions } from './lib/timeline.ts';
import { createTenant, postEvent, type RunData } from './lib/triggers-api.ts';

const env = readEnv();

export const options: Options = timelineOptions(standardTimeline(0.05));

export function setup(): RunData {
  healAll(env);
  return createTenant(env, 'k6 receiver-outage');
}

export function createEvent(data: RunData): void {
  postEvent(env, data);
}

export function faults(): void {
  playTimeline(env, [
    // The runner's `receiver: { status: 503 }` answers 503; k6 cannot program the receiver, so the
    // outage is the receiver link going down: every attempt fails and is retried the same way.
    linkDown(10, 20, 'receiver'),
    chaosRule(15, 5, { id: 'k6-throttle', point: 'dynamodb', injector: { kind: 'dynamodb_error', error: 'ThrottlingException' }, probability: 0.3 }),
    toxic(25, 5, 'dynamodb', { type: 'latency', attributes: { latency: 200 } }),
  ]);
}

export function teardown(): void {
  healAll(env);
}

export function handleSummary(data: unknown): Record<string, string> {
  return summaryFiles('receiver-outage', data);
}
