#!/usr/bin/env node
// The `aftershock` command: dispatches to the subcommands each package provides.
import { existsSync, readFileSync } from 'node:fs';
// The AWS SDK's notice about future Node versions is noise in a harness's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const [command, ...rest] = process.argv.slice(2);

const usage = `usage: aftershock <command> [options]

commands:
  run      run chaos scenarios against a service and judge them (aftershock run --help)
  validate check scenarios without running them, and print each one's plan (aftershock validate --help)
  init     write a starter scenario for your service, commented field by field (aftershock init --help)
  report   write a run's HTML report, or compare two runs (aftershock report --help)
  explore  generate fault schedules, find one that breaks an invariant, shrink it (aftershock explore --help)
  proxy    run the Toxiproxy-compatible fault proxy (aftershock proxy --help)
  receiver run the programmable webhook receiver with its control API (aftershock receiver --help)
  server   run the Triggers API reference server (same as npm start; aftershock server --help)

options:
  -h, --help     show this help
  -v, --version  print the version`;

/** The subcommands that are one function of their arguments, each loaded only when it runs. */
type Subcommand = (args: string[]) => Promise<number>;
const subcommands: Record<string, () => Promise<Subcommand>> = {
  run: async () => (await import('../scenarios/cli/run-cli.js')).runCli,
  init: async () => (await import('../scenarios/cli/init-cli.js')).initCli,
  validate: async () => (await import('../scenarios/cli/validate-cli.js')).validateCli,
  report: async () => (await import('../scenarios/report/report-cli.js')).reportCli,
  explore: async () => (await import('../scenarios/explore/explore-cli.js')).exploreCli,
  proxy: async () => (await import('../chaos/src/proxy/cli.js')).runProxyCli,
  receiver: async () => (await import('../scenarios/receiver/receiver-cli.js')).receiverCli,
};

switch (command) {
  case 'server':
    // main.ts reads its own options (--help) from argv: hand it only what follows `server`.
    process.argv.splice(2, 1);
    await import('../reference-server/src/main.js');
    break;
  case '--version':
  case '-v':
    console.log(packageVersion());
    break;
  case undefined:
  case '--help':
  case '-h':
    console.log(usage);
    break;
  default:
    if (Object.hasOwn(subcommands, command)) {
      process.exitCode = await (await subcommands[command]!())(rest);
      break;
    }
    // One line on stderr that says what to do; stdout stays empty for a script reading it.
    console.error(`aftershock: unknown command ${JSON.stringify(command)}: use run, validate, init, report, explore, proxy, receiver or server (see aftershock --help)`);
    process.exitCode = 2;
}

/** The package's version: package.json sits one level up from bin/ in the sources, two from dist/bin/. */
function packageVersion(): string {
  const file = ['../package.json', '../../package.json'].map((rel) => new URL(rel, import.meta.url)).find((url) => existsSync(url));
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : 'unknown';
}
