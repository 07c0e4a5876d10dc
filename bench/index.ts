// Runs every benchmark suite in bench/*.bench.ts one after another (never in parallel: they share
// two cores), or only the suites named on the command line: `npm run bench -- ingest proxy`.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { recordSection, type BenchSection } from './record.js';

// The lockfile pins AWS SDK releases that support Node 20; their notice about later releases is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const suites = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

if (suites.length === 0) {
  console.error(`no benchmark suite matches ${wanted.join(', ')}`);
  process.exit(1);
}
for (const name of suites) {
  console.log(`\n=== bench: ${name} ===`);
  const mod = (await import(pathToFileURL(resolve(dir, `${name}.bench.ts`)).href)) as {
    default: () => Promise<Omit<BenchSection, 'name'>>;
  };
  const result = await mod.default();
  console.log(result.body);
  recordSection({ name, ...result });
}
console.log('\nrecorded in docs/BENCHMARKS.md');
