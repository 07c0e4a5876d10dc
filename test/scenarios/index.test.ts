// The package's programmatic entry as a user's own test suite loads it: a run through runScenario()
// leaves their output free of the AWS SDK's Node version notice.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const entry = resolve(import.meta.dirname, '../../scenarios/index.ts');

describe('the programmatic entry', () => {
  it('runs an embedded scenario without the AWS SDK printing its Node version notice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aftershock-entry-'));
    const script = join(dir, 'use.mts');
    const scenario = { title: 'entry', load: { rate: 5 }, phases: { baseline: '200ms', fault: '200ms', recovery: '200ms' }, quiesce: '5s' };
    await writeFile(script, `import { runScenario } from ${JSON.stringify(entry)};\nconsole.log((await runScenario(${JSON.stringify(scenario)}, { out: ${JSON.stringify(join(dir, 'out'))} })).status);\n`);
    // As a user's process starts: this suite's config sets the variable, theirs does not.
    const env = { ...process.env };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', script], { env, timeout: 25_000 });
    expect(stdout.trim()).toBe('completed');
    expect(stderr).not.toMatch(/NodeVersionSupportWarning/);
  });
});
