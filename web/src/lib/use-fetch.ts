import { useEffect, useState } from 'preact/hooks';

export interface FetchState<T> {
  data?: T;
  error?: Error;
  loading: boolean;
}

/** Runs `load` when deps change (and every `refreshMs` if given); aborts stale requests. */
export function useFetch<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
  refreshMs = 0,
): FetchState<T> & { reload: () => void } {
  const [state, setState] = useState<FetchState<T>>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(ctl.signal).then(
      (data) => !ctl.signal.aborted && setState({ data, loading: false }),
      (error) => !ctl.signal.aborted && setState({ error, loading: false }),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (refreshMs > 0) timer = setTimeout(() => setTick((t) => t + 1), refreshMs);
    return () => {
      ctl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [...deps, tick, refreshMs]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}
