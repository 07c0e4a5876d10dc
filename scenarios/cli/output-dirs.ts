// Where each scenario of one `aftershock run --out DIR` invocation writes: one subdirectory per file,
// never the same one twice, so a later scenario cannot overwrite an earlier one's journal and report.
import { basename, extname } from 'node:path';

/** A directory name compared as a case-insensitive file system (macOS, Windows) would see it. */
const key = (name: string) => name.toLowerCase();

/**
 * One subdirectory name per file, in the order given: the file's name without its extension when no
 * other file of the invocation shares it (case-insensitively), else that name with `-1`, `-2`, … in
 * argument order, skipping any name another file already has. The same file named twice gets two.
 * @example outputDirs(['a/smoke.yaml', 'b/smoke.yaml', 'c/soak.yaml']) // ['smoke-1', 'smoke-2', 'soak']
 */
export function outputDirs(files: readonly string[]): string[] {
  const stems = files.map((f) => basename(f, extname(f)));
  const count = new Map<string, number>();
  for (const s of stems) count.set(key(s), (count.get(key(s)) ?? 0) + 1);
  const taken = new Set(stems.filter((s) => count.get(key(s)) === 1).map(key));
  const next = new Map<string, number>();
  return stems.map((stem) => {
    if (count.get(key(stem)) === 1) return stem;
    let name: string;
    do {
      const n = (next.get(key(stem)) ?? 0) + 1;
      next.set(key(stem), n);
      name = `${stem}-${n}`;
    } while (taken.has(key(name)));
    taken.add(key(name));
    return name;
  });
}
