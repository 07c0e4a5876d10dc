// Loads data for a page: tracks loading, the last error and when the data last arrived, reloads on
// demand and, when given an interval, on a timer (paused while the tab is hidden).
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiFailure } from './api-client.js';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiFailure | undefined;
  loading: boolean;
  updatedAt: Date | undefined;
  reload: () => void;
}

/**
 * Runs `load` now, whenever `deps` change, on `reload()`, and every `refreshMs` (0 = never).
 * Answers that arrive after a newer request started are dropped, so a slow old one cannot win.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], refreshMs = 0): Loaded<T> {
  const [state, setState] = useState<Omit<Loaded<T>, 'reload'>>({ data: undefined, error: undefined, loading: true, updatedAt: undefined });
  const generation = useRef(0);
  // The caller names what `load` depends on, as with useEffect.
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    run().then(
      (data) => mine === generation.current && setState({ data, error: undefined, loading: false, updatedAt: new Date() }),
      (err: unknown) => mine === generation.current && setState((s) => ({ ...s, error: asFailure(err), loading: false })),
    );
  }, [run]);

  useEffect(() => {
    reload();
    if (refreshMs <= 0) return;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') reload();
    }, refreshMs);
    return () => clearInterval(timer);
  }, [reload, refreshMs]);

  return { ...state, reload };
}

/** Any thrown value as an ApiFailure, for display. */
export function asFailure(err: unknown): ApiFailure {
  return err instanceof ApiFailure ? err : new ApiFailure(0, 'client_error', err instanceof Error ? err.message : String(err), null);
}
