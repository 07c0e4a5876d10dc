// The compose file's `receiver` service run natively: `aftershock receiver` as a child process on a
// free loopback port, its receipts read back through its control API as the runner reads them.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from '../support/wait-for.js';

/** A receipt as `GET /_receiver/receipts` lists it (the fields the rehearsal reads). */
export interface CommandReceipt {
  seq: number;
  delivery_id: string;
  event_id: string;
  status: number;
}

/** The running command: its URL, every receipt so far, and a stop. */
export interface ReceiverCommand {
  url: string;
  receipts(): Promise<CommandReceipt[]>;
  close(): Promise<void>;
}

/** Starts `aftershock receiver --port 0` and waits until it says where it listens. */
export async function startReceiverCommand(): Promise<ReceiverCommand> {
  const root = resolve(import.meta.dirname, '../..');
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/aftershock.ts', 'receiver', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const base = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? (child.exitCode !== null ? 'exited' : undefined), { timeoutMs: 20_000, message: 'aftershock receiver start' });
  if (base === 'exited') throw new Error(`aftershock receiver exited: ${out}`);
  return {
    url: base,
    async receipts() {
      const all: CommandReceipt[] = [];
      for (let after = 0; ; ) {
        const page = (await (await fetch(`${base}/_receiver/receipts?after=${after}&limit=500`)).json()) as { receipts: CommandReceipt[]; next: number };
        all.push(...page.receipts);
        if (page.receipts.length === 0) return all;
        after = page.next;
      }
    },
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
