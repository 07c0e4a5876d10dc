// What the runner hands the measurement as things happen: each operation's outcome, keyed to its
// *intended* start (open model), and each delivery the receiver saw. Times are ms since run start.

/** One operation's outcome under open-model load. */
export interface OpOutcome {
  /** The operation, e.g. `create_event`. */
  op: string;
  /** When the schedule meant it to start; it decides the bucket and the latency's origin. */
  intended: number;
  /** When it finished (ignored when `dropped`). Latency is `end − intended`. */
  end: number;
  /** A 2xx (or whatever the adapter calls success). */
  ok: boolean;
  /** The HTTP status; 0 or absent when there was no response (timeout, reset, refused). */
  status?: number;
  /** Not sent at all: too many requests in flight. Counts against the success rate. */
  dropped?: boolean;
  /**
   * Sent, then cancelled by the runner itself when the run stopped (SIGINT, --fail-fast) before any
   * answer came: the service did not fail it, so it counts in no rate and no latency, only in `cancelled`.
   */
  cancelled?: boolean;
}

/**
 * The error the adapters record for a request the run's own signal cancelled (history `info`, status
 * 0). The load driver and the history measurer both read a cancellation by it, so the two agree.
 */
export const CANCELLED_ERROR = 'AbortError';

/** One webhook request the receiver got. */
export interface DeliveryOutcome {
  /** The intended start of the operation that created the event being delivered. */
  intended: number;
  /** When the receiver got the request; it decides the bucket. */
  arrived: number;
  /** Whether the receiver accepted it (answered 2xx). Only accepted deliveries give a lag. */
  accepted: boolean;
}

/** Latency percentiles in milliseconds. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One operation's numbers in one 1 s bucket (by intended start). */
export interface OpBucketStats {
  /** Bucket index: seconds since run start; the bucket covers [second·1000, second·1000 + 1000). */
  second: number;
  op: string;
  /** Operations whose intended start fell in the bucket (sent or dropped; not those cancelled). */
  count: number;
  ok: number;
  failed: number;
  dropped: number;
  /** Sent, then cancelled by the runner when the run stopped: in none of the other counts. */
  cancelled: number;
  /**
   * With `cancelled` above 0: how long the longest-waiting of them had waited, from its intended start. A
   * request unanswered for seconds at the stop says the service was stalled, though it counts in no rate.
   */
  cancelled_longest_ms?: number;
  /** Operations per second (equals `count` for a 1 s bucket; kept explicit for merged windows). */
  rate: number;
  /** ok ÷ count, or null when the bucket is empty. */
  success_rate: number | null;
  /** Counts by HTTP status (`"0"` for no response, `"dropped"` for never sent). */
  statuses: Record<string, number>;
  /** Null when nothing completed in the bucket. */
  latency: Percentiles | null;
}

/** Deliveries accepted in one 1 s bucket (by arrival). */
export interface DeliveryBucketStats {
  second: number;
  /** Requests the receiver got, accepted or not. */
  received: number;
  accepted: number;
  /** Lag of accepted deliveries (arrival − intended start of their create), or null. */
  lag: Percentiles | null;
}
