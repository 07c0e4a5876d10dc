// Every command a person runs answers --help with its usage and exit code 0, and an unknown option
// with one line naming the problem and exit code 2 — never a parse stack trace.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { runProxyCli } from '../../chaos/src/proxy/cli.js';
import { initCli } from '../../scenarios/cli/init-cli.js';
import { runCli } from '../../scenarios/cli/run-cli.js';
import { validateCli } from '../../scenarios/cli/validate-cli.js';
import { exploreCli } from '../../scenarios/explore/explore-cli.js';
import { receiverCli } from '../../scenarios/receiver/receiver-cli.js';
import { reportCli } from '../../scenarios/report/report-cli.js';
import { textSink } from '../support/text-sink.js';

const root = resolve(import.meta.dirname, '../..');
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', ...args], { cwd: root, timeout: 20_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );

// The commands that are their own scripts, as a person runs them: each is spawned (its entry and the
// arguments before its own options).
const scripts: [string, string[], RegExp][] = [
  ['migrate:api-keys', ['scripts/migrate-api-keys.ts'], /usage: npm run migrate:api-keys/],
  ['dynamodb-local', ['scripts/dynamodb-local.ts'], /usage: npm run dynamodb-local/],
  ['npm start', ['reference-server/src/main.ts'], /usage: npm start/],
  ['npm run worker', ['reference-server/src/workers/main.ts'], /usage: npm run worker/],
  ['aftershock server', ['bin/aftershock.ts', 'server'], /usage: npm start/],
];

it.each(scripts)('%s --help prints its usage and exits 0', async (_name, entry, usage) => {
  const result = await run([...entry, '--help']);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(usage);
});

it.each(scripts)('%s rejects an unknown option in one line with exit code 2', async (_name, entry) => {
  const result = await run([...entry, '--no-such-option']);
  expect(result.code).toBe(2);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/no-such-option.*--help/);
});

// The aftershock subcommands are functions taking their streams: run in process, as a spawn per command
// costs the suite seconds of CPU (bin/aftershock.ts's dispatch to them is spawned once, below).
type Cli = (args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream) => Promise<number>;
const line = (stream: NodeJS.WritableStream) => (text: string) => void stream.write(`${text}\n`);
const subcommands: [string, Cli][] = [
  ['run', (args, out, err) => runCli(args, { out: out as NodeJS.WriteStream, err })],
  ['validate', (args, out, err) => validateCli(args, { out, err })],
  ['init', (args, out, err) => initCli(args, { out, err })],
  ['report', (args, out, err) => reportCli(args, { out, err })],
  ['explore', (args, out, err) => exploreCli(args, { out, err })],
  ['proxy', (args, out, err) => runProxyCli(args, { log: line(out), error: line(err) })],
  ['receiver', (args, out, err) => receiverCli(args, { log: line(out), error: line(err), stopped: () => Promise.resolve() })],
];

it.each(subcommands)('aftershock %s --help prints its usage and exits 0', async (name, cli) => {
  const out = textSink();
  const err = textSink();
  expect(await cli(['--help'], out.stream, err.stream)).toBe(0);
  expect(out.text()).toMatch(new RegExp(`^usage: aftershock ${name}`));
  expect(err.text()).toBe('');
});

it.each(subcommands)('aftershock %s rejects an unknown option in one line with exit code 2', async (name, cli) => {
  const out = textSink();
  const err = textSink();
  expect(await cli(['--no-such-option'], out.stream, err.stream)).toBe(2);
  expect(err.text().trim().split('\n')).toHaveLength(1);
  expect(err.text()).toMatch(new RegExp(`^aftershock ${name}: .*no-such-option.*--help`));
});

it('bin/aftershock.ts dispatches to each subcommand', async () => {
  const result = await run(['bin/aftershock.ts', 'validate', '--help']);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^usage: aftershock validate/);
});

it('aftershock --version prints the package version and exits 0', async () => {
  const result = await run(['bin/aftershock.ts', '--version']);
  expect(result.code).toBe(0);
  expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
});

it('aftershock names an unknown command in one line with exit code 2, and prints its usage with none', async () => {
  const unknown = await run(['bin/aftershock.ts', 'frobnicate']);
  expect(unknown.code).toBe(2);
  expect(unknown.stdout).toBe('');
  expect(unknown.stderr.trim().split('\n')).toEqual([expect.stringMatching(/unknown command "frobnicate".*aftershock --help/)]);
  const usage = await run(['bin/aftershock.ts']);
  expect(usage.code).toBe(0);
  expect(usage.stdout).toMatch(/^usage: aftershock <command>/);
});

// An option given a value that starts with a dash: node's parser explains it over three lines.
const dashValues: [string, (err: NodeJS.WritableStream) => Promise<number>][] = [
  ['aftershock run', (err) => runCli(['x.yaml', '--seed', '-1'], { out: textSink().stream as unknown as NodeJS.WriteStream, err })],
  ['aftershock init', (err) => initCli(['x.yaml', '--base-url', '-1'], { out: textSink().stream, err })],
  ['aftershock validate', (err) => validateCli(['x.yaml', '--base-url', '-1'], { out: textSink().stream, err })],
  ['aftershock explore', (err) => exploreCli(['--seed', '-1'], { out: textSink().stream, err })],
  ['aftershock report', (err) => reportCli(['x', '--out', '-1'], { out: textSink().stream, err })],
  ['aftershock proxy', (err) => runProxyCli(['--port', '-1'], { log: () => undefined, error: (line) => void err.write(`${line}\n`) })],
];

it.each(dashValues)('%s explains an option value that starts with a dash in one line, exit code 2', async (_name, cli) => {
  const err = textSink();
  expect(await cli(err.stream)).toBe(2);
  expect(err.text().trim().split('\n')).toEqual([expect.stringMatching(/ambiguous.*--help\)$/)]);
});

// An unknown option, in process: one line whose quotes all close, naming the option and the help to read.
const unknownOptions: [string, (err: NodeJS.WritableStream) => Promise<number>, string][] = [
  ['run', (err) => runCli(['x.yaml', '--bogus'], { out: textSink().stream as unknown as NodeJS.WriteStream, err }), `; a path starting with '-' goes after '--'`],
  ['validate', (err) => validateCli(['x.yaml', '--bogus'], { out: textSink().stream, err }), `; a path starting with '-' goes after '--'`],
  ['report', (err) => reportCli(['x', '--bogus'], { out: textSink().stream, err }), `; a path starting with '-' goes after '--'`],
  ['explore', (err) => exploreCli(['--bogus'], { out: textSink().stream, err }), ''],
];

it.each(unknownOptions)('aftershock %s names an unknown option in one line whose quotes close, exit code 2', async (name, cli, hint) => {
  const err = textSink();
  expect(await cli(err.stream)).toBe(2);
  expect(err.text()).toBe(`aftershock ${name}: unknown option '--bogus'${hint} (see aftershock ${name} --help)\n`);
  expect(err.text().split("'").length % 2, 'single quotes pair up').toBe(1);
  expect(err.text()).not.toContain('"');
});

const receiver = async (args: string[]) => {
  const err = textSink();
  const code = await receiverCli(args, { log: () => undefined, error: line(err.stream), stopped: () => Promise.resolve() });
  return { code, stderr: err.text() };
};

it('aftershock receiver explains an option value that starts with a dash in one line, exit code 2', async () => {
  const result = await receiver(['--port', '-1']);
  expect(result.code).toBe(2);
  expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/ambiguous.*--help\)$/)]);
});

it('aftershock receiver refuses a secret without its whsec_ prefix, which would fail every signature quietly', async () => {
  const result = await receiver(['--port', '0', '--secret', 'c2VjcmV0']);
  expect(result.code).toBe(2);
  expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/--secret is not a webhook secret \(whsec_<base64>/)]);
});

it('aftershock receiver points at --host, not --port, when the address is not one of the machine', async () => {
  const result = await receiver(['--port', '0', '--host', '999.1.1.1']);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/cannot listen on 999\.1\.1\.1:0: .*\(check --host: an address of this machine\)/);
});
