// The subdirectories one `aftershock run --out DIR` invocation gives its files: distinct, readable,
// and the same for the same arguments.
import { describe, expect, it } from 'vitest';
import { outputDirs } from '../../../scenarios/cli/output-dirs.js';

describe('outputDirs', () => {
  it('keeps a file name no other file of the invocation shares', () => {
    expect(outputDirs(['a/smoke.yaml', 'b/soak.json', 'c.ts'])).toEqual(['smoke', 'soak', 'c']);
  });

  it('numbers the files sharing a name in argument order', () => {
    expect(outputDirs(['a/smoke.yaml', 'soak.yaml', 'b/smoke.json', 'c/smoke.ts'])).toEqual(['smoke-1', 'soak', 'smoke-2', 'smoke-3']);
  });

  it('gives the same file named twice two directories', () => {
    expect(outputDirs(['smoke.yaml', 'smoke.yaml'])).toEqual(['smoke-1', 'smoke-2']);
  });

  it('treats names differing only in case as the same, as a case-insensitive file system does', () => {
    expect(outputDirs(['a/Smoke.yaml', 'b/smoke.yaml'])).toEqual(['Smoke-1', 'smoke-2']);
  });

  it('skips a number another file already has as its own name', () => {
    const dirs = outputDirs(['a/smoke.yaml', 'b/smoke.yaml', 'smoke-1.yaml']);
    expect(dirs).toEqual(['smoke-2', 'smoke-3', 'smoke-1']);
    expect(new Set(dirs.map((d) => d.toLowerCase())).size).toBe(dirs.length);
  });
});
