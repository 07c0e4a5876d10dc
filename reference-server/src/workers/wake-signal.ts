// A wake-up signal for a polling loop: the loop sleeps until the poll interval passes or someone
// signals new work, whichever comes first. A wake while nobody waits is remembered, so work signalled
// while the loop was busy is never left for the next poll. Each loop has its own signal.

export class WakeSignal {
  private waiters = new Set<() => void>();
  private pending = false;

  /** Ends every current wait, or the next one if nobody is waiting. */
  wake(): void {
    if (this.waiters.size === 0) this.pending = true;
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  /** Waits up to `ms`; resolves `true` if woken (now or since the last wait), `false` if the time ran out. */
  wait(ms: number): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const done = (woken: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(onWake);
        resolve(woken);
      };
      const onWake = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      this.waiters.add(onWake);
    });
  }
}
