// The standalone receiver's memory of what it got: receipts with a sequence number, so a reader
// (the runner, polling the control API) picks up where it left off, bounded so a long-running
// playground receiver does not grow without end.
import type { ReceiptRecord } from '../history/history.js';
import type { ReceivedRequest } from './receiver.js';

/** A receipt as the control API lists it: times in epoch milliseconds, and the request it answered. */
export interface LoggedReceipt extends Omit<ReceiptRecord, 'kind'> {
  seq: number;
  /** With `--secret`: whether the Standard Webhooks signature verified. */
  signature_ok?: boolean;
  request: ReceivedRequest;
}

/** Receipts in arrival order of their end; the oldest are dropped past `limit` (default 100,000). */
export class ReceiptLog {
  private entries: LoggedReceipt[] = [];
  private next = 1;

  constructor(private readonly limit = 100_000) {}

  /** Keeps one finished receipt. */
  add(receipt: ReceiptRecord, request: ReceivedRequest, signatureOk?: boolean): void {
    const { kind: _kind, ...rest } = receipt;
    this.entries.push({ seq: this.next++, ...rest, ...(signatureOk === undefined ? {} : { signature_ok: signatureOk }), request });
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  /**
   * Up to `limit` receipts with a sequence number above `after`, the cursor to ask from next, and
   * `last`, the newest sequence number (a new reader starts after it to see only what comes next).
   */
  after(after: number, limit: number): { receipts: LoggedReceipt[]; next: number; last: number } {
    const receipts = this.entries.filter((r) => r.seq > after).slice(0, limit);
    return { receipts, next: receipts.at(-1)?.seq ?? Math.max(after, this.next - 1), last: this.next - 1 };
  }

  /** Forgets every receipt; sequence numbers keep counting up, so a reader's cursor stays valid. */
  clear(): void {
    this.entries = [];
  }
}
