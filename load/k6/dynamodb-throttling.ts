// k6 version of the DynamoDB throttling scenario: 30 % of the api's DynamoDB calls answer
// ThrottlingException for 20 s (a chaos rule through /_chaos). The SDK retries throttles, so
// ingest must stay within its error budget and recover its latency once the rule ends.
import type { Options } from 'k6/options';
import { readEnv } from './lib/env.ts';
import { chaosRule, healAll, playTimeline } from './lib/faults.ts';
import { summaryFiles } from './lib/summary.ts';
import { standardTimeline, timelineOptions } from './lib/timeline.ts';
import { createTenant, postEvent, type RunData } from './lib/triggers-api.ts';

const env = readEnv();

export const options: Options = timelineOptions(standardTimeline(0.05));

export function setup(): RunData {
  healAll(env);
  return createTenant(env, 'k6 dynamodb-throttling');
}

export function createEvent(data: RunData): void {
  postEvent(env, data);
}

export function faults(): void {
  playTimeline(env, [
    chaosRule(10, 20, { id: 'k6-throttle', point: 'dynamodb', injector: { kind: 'dynamodb_error', error: 'ThrottlingException' }, probability: 0.3 }),
  ]);
}

export function teardown(): void {
  healAll(env);
}

export function handleSummary(data: unknown): Record<string, string> {
  return summaryFiles('dynamodb-throttling', data);
}
