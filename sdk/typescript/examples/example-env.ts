// What every example needs to reach a Triggers API, read once from the environment when an example
// runs on its own (`npx tsx sdk/typescript/examples/basic-usage.ts`), or passed in by the tests.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Connection settings for the examples. */
export interface ExampleEnv {
  /** TRIGGERS_API_URL, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  /** TRIGGERS_API_KEY: a tr_… key with every scope. */
  apiKey: string;
  /** TRIGGERS_SIGNING_SECRET: that key's sk_… signing secret. */
  signingSecret?: string;
  /** TRIGGERS_KEY_ID: that key's key_… id (rotation example). */
  keyId?: string;
  /** Where examples print; console.log by default. */
  log?: (...values: unknown[]) => void;
}

/** Reads the environment of a standalone run; a missing variable exits 2 with what to set. */
export function exampleEnvFromProcess(): ExampleEnv {
  const baseUrl = process.env.TRIGGERS_API_URL ?? 'http://127.0.0.1:8080';
  const apiKey = process.env.TRIGGERS_API_KEY;
  if (!apiKey) {
    console.error('Set TRIGGERS_API_KEY to a tr_… key (create one with POST /v1/api-keys), and TRIGGERS_API_URL if not http://127.0.0.1:8080.');
    process.exit(2);
  }
  return { baseUrl, apiKey, signingSecret: process.env.TRIGGERS_SIGNING_SECRET, keyId: process.env.TRIGGERS_KEY_ID };
}

/**
 * Runs `main` when the file is executed directly (not imported by a test); failures exit 1.
 * `args` names the example's own arguments for its --help line, e.g. `<webhook_id>`.
 */
export function runIfMain(moduleUrl: string, main: (env: ExampleEnv) => Promise<unknown>, args = ''): void {
  if (process.argv[1] === undefined || pathToFileURL(resolve(process.argv[1])).href !== moduleUrl) return;
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(`usage: TRIGGERS_API_URL=http://127.0.0.1:8080 TRIGGERS_API_KEY=tr_… [TRIGGERS_SIGNING_SECRET=sk_…] [TRIGGERS_KEY_ID=key_…] npx tsx ${process.argv[1]}${args ? ` ${args}` : ''}`);
    process.exit(0);
  }
  main(exampleEnvFromProcess()).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
