// Thin fetch helpers for Osprey's HTTP API. Errors carry Prometheus's error text so pages can show it inline.

export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorType?: string,
  ) {
    super(message);
  }
}

async function readError(r: Response): Promise<ApiRequestError> {
  const text = await r.text().catch(() => '');
  try {
    const j = JSON.parse(text);
    if (j && typeof j === 'object') {
      // Prometheus: {status:"error", errorType, error}; Alertmanager v2: a string or {message}.
      if (typeof j.error === 'string') return new ApiRequestError(j.error, r.status, j.errorType);
      if (typeof j.message === 'string') return new ApiRequestError(j.message, r.status);
    }
    if (typeof j === 'string') return new ApiRequestError(j, r.status);
  } catch {
    // not JSON
  }
  return new ApiRequestError(text.trim() || `${r.status} ${r.statusText}`, r.status);
}

/** GET/POST a Prometheus API v1 endpoint and return its `data`. */
export async function apiV1<T = any>(
  path: string,
  params?: Record<string, string | string[] | undefined>,
  signal?: AbortSignal,
): Promise<{ data: T; warnings?: string[]; infos?: string[] }> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) body.append(k, x);
    else body.append(k, v);
  }
  const qs = body.toString();
  let r: Response;
  try {
    r = await fetch(`/api/v1/${path}${qs ? `?${qs}` : ''}`, { signal, headers: { accept: 'application/json' } });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiRequestError(`cannot reach the server: ${(e as Error).message}`, 0);
  }
  if (!r.ok) throw await readError(r);
  const j = await r.json();
  if (j.status !== 'success') throw new ApiRequestError(j.error ?? 'unknown error', r.status, j.errorType);
  return { data: j.data as T, warnings: j.warnings, infos: j.infos };
}

/** Alertmanager API v2 (plain JSON bodies, no envelope). */
export async function apiV2<T = any>(
  path: string,
  init?: { method?: string; body?: unknown; signal?: AbortSignal },
): Promise<T> {
  let r: Response;
  try {
    r = await fetch(`/api/v2/${path}`, {
      method: init?.method ?? 'GET',
      signal: init?.signal,
      headers:
        init?.body !== undefined
          ? { 'content-type': 'application/json', accept: 'application/json' }
          : { accept: 'application/json' },
      body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiRequestError(`cannot reach the server: ${(e as Error).message}`, 0);
  }
  if (!r.ok) throw await readError(r);
  const text = await r.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Plain JSON from any path (dashboards, notifications). Accepts either a Prometheus envelope or a bare body. */
export async function apiJson<T = any>(path: string, signal?: AbortSignal): Promise<T> {
  let r: Response;
  try {
    r = await fetch(path, { signal, headers: { accept: 'application/json' } });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiRequestError(`cannot reach the server: ${(e as Error).message}`, 0);
  }
  if (!r.ok) throw await readError(r);
  const j = await r.json();
  if (j && typeof j === 'object' && !Array.isArray(j) && 'status' in j && 'data' in j) {
    if (j.status !== 'success') throw new ApiRequestError(j.error ?? 'unknown error', r.status, j.errorType);
    return j.data as T;
  }
  return j as T;
}
