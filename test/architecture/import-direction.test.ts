// Guards SPEC §1's dependency direction: scenarios → reference-server, chaos, load, sdk;
// reference-server → chaos (and the SDK's types, for the dashboard only); chaos and the SDK import none; domain/ does no I/O and knows no Express or AWS SDK;
// inside the server, http/, workers/, store/ and delivery/ have no back-edges.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const packages = ['reference-server', 'chaos', 'scenarios', 'load', 'sdk'] as const;
type Pkg = (typeof packages)[number];

const allowed: Record<Pkg, Pkg[]> = {
  chaos: [],
  'reference-server': ['chaos', 'sdk'],
  load: [],
  scenarios: ['reference-server', 'chaos', 'load', 'sdk'],
  sdk: [],
};

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'static') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(sourceFiles(full));
    else if (/\.ts$/.test(name)) out.push(full);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) specs.push((m[1] ?? m[2]) as string);
  return specs;
}

function packageOf(absPath: string): Pkg | undefined {
  const first = relative(root, absPath).split(sep)[0];
  return packages.find((p) => p === first);
}

describe('import direction', () => {
  it('lets each package import only the packages SPEC §1 allows', () => {
    const violations: string[] = [];
    for (const pkg of packages) {
      for (const file of sourceFiles(join(root, pkg))) {
        for (const spec of importsOf(file)) {
          if (!spec.startsWith('.')) continue;
          const target = packageOf(resolve(dirname(file), spec));
          if (target && target !== pkg && !allowed[pkg].includes(target)) {
            violations.push(`${relative(root, file)} imports ${spec} (${pkg} → ${target})`);
          }
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('lets the server reach the SDK only for the dashboard, and only for its types', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(join(root, 'reference-server'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^'"]*?from\s*['"]([^'"]+)['"]/gm)) {
        if (!m[3]!.startsWith('.') || packageOf(resolve(dirname(file), m[3]!)) !== 'sdk') continue;
        const inDashboard = relative(root, file).startsWith(join('reference-server', 'src', 'web', 'client'));
        if (!inDashboard || !m[2]) violations.push(`${relative(root, file)}: ${m[0]}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps reference-server/src/domain free of I/O, Express and the AWS SDK', () => {
    const forbidden = /^(express|@aws-sdk\/|undici|node:(fs|net|http|https|child_process|dgram))/;
    const violations: string[] = [];
    for (const file of sourceFiles(join(root, 'reference-server/src/domain'))) {
      for (const spec of importsOf(file)) {
        if (forbidden.test(spec)) violations.push(`${relative(root, file)} imports ${spec}`);
        if (spec.startsWith('.')) {
          const target = relative(join(root, 'reference-server/src/domain'), resolve(dirname(file), spec));
          if (target.startsWith('..')) violations.push(`${relative(root, file)} reaches outside domain/: ${spec}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps the server\'s layers apart: http ↛ workers, workers ↛ http, store ↛ http/workers/delivery, delivery only on domain', () => {
    const server = join(root, 'reference-server/src');
    // Layer → layers it must not import. Entry points (`main.ts`) and the composition root at the
    // top of src/ wire the layers together and are exempt.
    const forbidden: Record<string, string[]> = {
      http: ['workers'],
      workers: ['http'],
      store: ['http', 'workers', 'delivery'],
      delivery: ['http', 'workers', 'store'],
      domain: ['http', 'workers', 'store', 'delivery'],
    };
    const layerOf = (abs: string) => relative(server, abs).split(sep)[0] ?? '';
    const violations: string[] = [];
    for (const file of sourceFiles(server)) {
      const layer = layerOf(file);
      if (!(layer in forbidden) || file.endsWith(`${sep}main.ts`)) continue;
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        const targetLayer = layerOf(target);
        const isRoot = dirname(target) === server && !/config\.(js|ts)$/.test(target);
        if (forbidden[layer]!.includes(targetLayer)) violations.push(`${relative(root, file)} imports ${spec} (${layer} → ${targetLayer})`);
        else if (isRoot) violations.push(`${relative(root, file)} imports the composition root ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('finds the imports it checks (the scanner itself works)', () => {
    expect(importsOf(join(root, 'test/architecture/import-direction.test.ts'))).toContain('vitest');
  });
});
