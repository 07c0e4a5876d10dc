// The rules the Chaos page can add in one click: common faults, each short-lived (rules expire by
// themselves, so a forgotten one ends on its own). Field names are the chaos control API's.

/** A named rule template; `id` gets a unique suffix when added. */
export interface ChaosPreset {
  label: string;
  rule: { id: string; point: string; injector: Record<string, unknown>; probability: number; duration: number };
}

export const CHAOS_PRESETS: ChaosPreset[] = [
  {
    label: 'DynamoDB throttling, 30% for 60 s',
    rule: { id: 'dash-throttle', point: 'dynamodb', injector: { kind: 'dynamodb_error', error: 'ThrottlingException' }, probability: 0.3, duration: 60_000 },
  },
  {
    label: 'DynamoDB latency 100–500 ms for 60 s',
    rule: { id: 'dash-db-latency', point: 'dynamodb', injector: { kind: 'latency', min_ms: 100, max_ms: 500 }, probability: 1, duration: 60_000 },
  },
  {
    label: 'Webhook receivers answer 503 for 2 min',
    rule: { id: 'dash-receiver-503', point: 'http_out', injector: { kind: 'http_error', status: 503 }, probability: 1, duration: 120_000 },
  },
  {
    label: 'Webhook connections reset, 50% for 2 min',
    rule: { id: 'dash-receiver-reset', point: 'http_out', injector: { kind: 'connection_reset' }, probability: 0.5, duration: 120_000 },
  },
];

/** The rule to send for `preset`, with an id unique to `now`. */
export function ruleFromPreset(preset: ChaosPreset, now: number): ChaosPreset['rule'] {
  return { ...preset.rule, id: `${preset.rule.id}-${now.toString(36)}` };
}
