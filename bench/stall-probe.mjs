// Records when this process could not run its JavaScript on time, and its GC pauses, for
// `bench/open-model-run.ts --stalls`, which loads it into the server and the store with
// NODE_OPTIONS="--import …" and into itself. Each line of STALL_PROBE_DIR/<role>-<pid>.log is
//   stall <epoch ms> <ms late> <CPU ms of this process meanwhile>   (a 2-ms timer fired late)
//   gc <epoch ms> <ms> <minor|major|incremental|weak>               (pauses of 1 ms or more)
// CPU above the lateness means other threads of the process (GC helpers) ran too; CPU near zero
// means the process was waiting for a core. Hand-written: Node's monitorEventLoopDelay gives a
// histogram, and this needs each late tick's time and CPU to line up with slow requests.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import { setInterval } from 'node:timers';

const dir = process.env.STALL_PROBE_DIR;
const script = process.argv[1] ?? '';
const role = /dynalite-process/.test(script) ? 'store' : /main\.[jt]s$/.test(script) ? 'server' : /open-model-run/.test(script) ? 'load' : undefined;
// npx and tsx's own launcher processes inherit NODE_OPTIONS too: only the three that matter record.
if (dir && role) {
  const file = join(dir, `${role}-${process.pid}.log`);
  const TICK_MS = 2;
  const LATE_MS = 4;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const late = now - last - TICK_MS;
    if (late > LATE_MS) {
      const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
      appendFileSync(file, `stall ${(performance.timeOrigin + last).toFixed(1)} ${late.toFixed(1)} ${cpuMs.toFixed(1)}\n`);
    }
    last = now;
    lastCpu = cpu;
  }, TICK_MS).unref();
  const kinds = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration >= 1) appendFileSync(file, `gc ${(performance.timeOrigin + e.startTime).toFixed(1)} ${e.duration.toFixed(1)} ${kinds[e.detail?.kind] ?? 'other'}\n`);
    }
  }).observe({ entryTypes: ['gc'] });
}
