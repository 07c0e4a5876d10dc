#!/usr/bin/env -S npx tsx
// The `aftershock` command: dispatches to the subcommands each package provides.
const [command, ...rest] = process.argv.slice(2);

const usage = `usage: aftershock <command> [options]

commands:
  proxy    run the Toxiproxy-compatible fault proxy (aftershock proxy --help)
  server   run the Triggers API reference server (same as npm start)`;

switch (command) {
  case 'proxy': {
    const { runProxyCli } = await import('../chaos/src/proxy/cli.js');
    process.exitCode = await runProxyCli(rest);
    break;
  }
  case 'server':
    await import('../reference-server/src/main.js');
    break;
  default:
    console.log(usage);
    process.exitCode = command === undefined || command === '--help' || command === '-h' ? 0 : 2;
}
