#!/usr/bin/env -S npx tsx
// The `aftershock` command: dispatches to the subcommands each package provides.
import { readFileSync } from 'node:fs';

const [command, ...rest] = process.argv.slice(2);

const usage = `usage: aftershock <command> [options]

commands:
  proxy    run the Toxiproxy-compatible fault proxy (aftershock proxy --help)
  server   run the Triggers API reference server (same as npm start; aftershock server --help)

options:
  -h, --help     show this help
  -v, --version  print the version`;

switch (command) {
  case 'proxy': {
    const { runProxyCli } = await import('../chaos/src/proxy/cli.js');
    process.exitCode = await runProxyCli(rest);
    break;
  }
  case 'server':
    // main.ts reads its own options (--help) from argv: hand it only what follows `server`.
    process.argv.splice(2, 1);
    await import('../reference-server/src/main.js');
    break;
  case '--version':
  case '-v':
    console.log((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version);
    break;
  default:
    console.log(usage);
    process.exitCode = command === undefined || command === '--help' || command === '-h' ? 0 : 2;
}
