// What a run reports while it runs, for a progress display: phase changes, faults applied and
// healed, and once a second the last bucket's numbers.

/** One progress event. Times are ms since the run started. */
export type RunEvent =
  | { type: 'setup'; message: string }
  | { type: 'phase'; phase: 'baseline' | 'fault' | 'recovery' | 'quiesce' | 'judge'; time: number }
  | { type: 'fault'; action: 'applied' | 'healed' | 'failed'; name: string; kind: string; time: number; error?: string }
  | { type: 'tick'; time: number; total: number; rate: number; success_rate: number | null; p99_ms: number | null; deliveries: number; faults: number; in_flight: number; oldest_ms: number | null };
