// k6 version of the proxy latency scenario: 200 ms on every response from DynamoDB to the api (a
// Toxiproxy latency toxic on the `dynamodb` link) for 20 s. Nothing may fail; latency may rise during
// the fault and must be back under the gate in recovery.
import type { Options } from 'k6/options';
import { readEnv } from './lib/env.ts';
import { healAll, playTimeline, toxic } from './lib/faults.ts';
import { summaryFiles } from './lib/summary.ts';
import { standardTimeline, timelineOptions } from './lib/timeline.ts';
import { createTenant, postEvent, type RunData } from './lib/triggers-api.ts';

const env = readEnv();

export const options: Options = timelineOptions(standardTimeline(0.01));

export function setup(): RunData {
  healAll(env);
  return createTenant(env, 'k6 proxy-latency');
}

export function createEvent(data: RunData): void {
  postEvent(env, data);
}

export function faults(): void {
  playTimeline(env, [toxic(10, 20, 'dynamodb', { type: 'latency', attributes: { latency: 200 } })]);
}

export function teardown(): void {
  healAll(env);
}

export function handleSummary(data: unknown): Record<string, string> {
  return summaryFiles('proxy-latency', data);
}
