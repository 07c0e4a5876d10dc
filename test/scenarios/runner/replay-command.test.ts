// The replay command a run prints must work where it was printed: from a source checkout the CLI is
// bin/aftershock.ts under tsx (there is no `aftershock` binary to find), from an installed package it
// is `npx aftershock`.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { cliCommand, replayCommand } from '../../../scenarios/runner/replay-command.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const ENTRY = resolve(ROOT, 'bin/aftershock.ts');

it('names the TypeScript entry, relative to the directory, when the CLI runs from source', () => {
  expect(cliCommand(ENTRY, ROOT)).toBe('npx tsx bin/aftershock.ts');
  expect(cliCommand(ENTRY, resolve(ROOT, 'scenarios'))).toBe('npx tsx ../bin/aftershock.ts');
  expect(replayCommand('scenarios/catalog/dynamodb-errors.yaml', 7, cliCommand(ENTRY, ROOT))).toBe('npx tsx bin/aftershock.ts run scenarios/catalog/dynamodb-errors.yaml --seed 7');
});

it('names the installed binary otherwise, including a program of the user calling the runner', () => {
  expect(cliCommand(resolve(ROOT, 'dist/bin/aftershock.js'), ROOT)).toBe('npx aftershock');
  expect(cliCommand('/home/me/app/node_modules/.bin/aftershock', '/home/me/app')).toBe('npx aftershock');
  expect(cliCommand('/home/me/app/test/chaos.ts', '/home/me/app')).toBe('npx aftershock');
  expect(cliCommand(undefined)).toBe('npx aftershock');
  expect(replayCommand("my dir/it's.yaml", 3, 'npx aftershock')).toBe(`npx aftershock run 'my dir/it'\\''s.yaml' --seed 3`);
  expect(replayCommand(undefined, 3)).toBe('runScenario(scenario, { seed: 3 })');
});

it('repeats the options that shaped the run, each one shell word', () => {
  expect(replayCommand('r.yaml', 5, 'npx aftershock', ['--target', 'url', '--base-url', 'http://127.0.0.1:8080', '--fail-fast'])).toBe(
    "npx aftershock run r.yaml --seed 5 --target url --base-url 'http://127.0.0.1:8080' --fail-fast",
  );
});

it('prints a command that runs from the checkout', async () => {
  const [npx, ...args] = cliCommand(ENTRY, ROOT).split(' ');
  const { stdout } = await promisify(execFile)(npx!, [...args, 'run', '--help'], { cwd: ROOT, timeout: 60_000 });
  expect(stdout).toMatch(/^usage: aftershock run/);
});
