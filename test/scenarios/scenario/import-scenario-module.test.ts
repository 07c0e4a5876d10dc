// Scenarios written as modules: a TypeScript file's default export whatever package kind it sits in,
// and every way a module can fail to load reported as one invalid_scenario line naming the file.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../scenarios/cli/run-cli.js';
import { importScenarioModule } from '../../../scenarios/scenario/import-scenario-module.js';
import { ScenarioError } from '../../../scenarios/scenario/scenario-error.js';
import { textSink } from '../../support/text-sink.js';

const scenario = { title: 'from ts', load: { rate: 5 }, phases: { baseline: '1s', fault: '1s', recovery: '1s' } };

/** A file in a fresh directory under the system temp dir: no package.json above it, so CommonJS. */
async function moduleFile(name: string, text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'aftershock-module-')), name);
  await writeFile(file, text);
  return file;
}

async function failure(file: string): Promise<ScenarioError> {
  const err: unknown = await importScenarioModule(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ScenarioError)) throw new Error(`expected a ScenarioError, got ${String(err)}`);
  return err;
}

describe('importScenarioModule', () => {
  it("returns a TypeScript file's default export in a CommonJS package", async () => {
    const { load, ...rest } = scenario;
    const file = await moduleFile('outage.ts', `const rate: number = ${load.rate};\nexport default { ...${JSON.stringify(rest)}, load: { rate } };\n`);
    expect(await importScenarioModule(file)).toEqual(scenario);
  });

  it('names the file on one line when TypeScript does not compile', async () => {
    const file = await moduleFile('broken.ts', `export default { title: 'x' as const, load: { rate: 5 }\n`);
    const err = await failure(file);
    expect(err.code).toBe('invalid_scenario');
    expect(err.message).toMatch(new RegExp(`^${file}: cannot load this module: .*Expected "}" but found end of file`));
    expect(err.message).not.toContain('\n');
  });

  it('names the file when the module throws, imports what is missing, or exports nothing', async () => {
    const throws = await moduleFile('throws.mts', `throw new Error('no config here');\n`);
    expect((await failure(throws)).message).toBe(`${throws}: cannot load this module: no config here`);
    const missing = await moduleFile('missing.ts', `import x from './nowhere.js';\nexport default x;\n`);
    expect((await failure(missing)).message).toMatch(new RegExp(`^${missing}: cannot load this module: Cannot find module .*nowhere`));
    const js = await moduleFile('empty.mjs', `export const scenario = 1;\n`);
    expect((await failure(js)).message).toBe(`${js}: no default export (export default defineScenario({...}))`);
  });

  it('makes aftershock run exit 2 with one line, not a stack trace, for a module that cannot load', async () => {
    const file = await moduleFile('broken.ts', `export default {\n`);
    const out = textSink();
    const err = textSink();
    const code = await runCli([file, '--no-progress'], { out: out.stream, err: err.stream });
    expect(code).toBe(2);
    expect(err.text()).toMatch(new RegExp(`^aftershock run: ${file}: cannot load this module: [^\\n]+\\n$`));
    expect(out.text()).toBe('');
  });
});
