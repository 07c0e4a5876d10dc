// The dashboard's one way to call the server: adds the credential, parses JSON, and turns an error
// response into an ApiFailure carrying the API's code, message and request id for display.

/** An error answered by the server (or a network failure, with status 0). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    /** The API's `details`: for `validation_error`, one `{field, message}` per failing field. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** What the client tells its owner about. */
export interface ApiClientEvents {
  /**
   * Called with the failure when any call answers 401: the credential no longer works (revoked,
   * expired, rotated with no transition, or the admin token changed), so no page can load.
   */
  onUnauthorized?: (failure: ApiFailure) => void;
}

/** Calls the Triggers API (and the dashboard's own /dashboard/api) with one credential. */
export class ApiClient {
  constructor(
    private readonly credential: string,
    private readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init),
    private readonly events: ApiClientEvents = {},
  ) {}

  get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('PUT', path, body);
  }

  delete(path: string): Promise<void> {
    return this.send<void>('DELETE', path);
  }

  /** Fetches a file (an export, a report) with the credential and returns it as a Blob. */
  async blob(path: string): Promise<{ blob: Blob; filename: string | null }> {
    const res = await this.raw('GET', path);
    if (!res.ok) throw await this.failed(res);
    const disposition = res.headers.get('content-disposition') ?? '';
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? null;
    return { blob: await res.blob(), filename };
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.raw(method, path, body);
    if (!res.ok) throw await this.failed(res);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  private async failed(res: Response): Promise<ApiFailure> {
    const failure = await failureOf(res);
    if (res.status === 401) this.events.onUnauthorized?.(failure);
    return failure;
  }

  private async raw(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.credential}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return await this.fetchImpl(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new ApiFailure(0, 'network_error', `the server did not answer (${err instanceof Error ? err.message : String(err)})`, null);
    }
  }
}

/** Reads the API's error body `{error: {code, message, request_id}}`, or describes what came instead. */
export async function failureOf(res: Response): Promise<ApiFailure> {
  const requestId = res.headers.get('x-request-id');
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; request_id?: string; details?: unknown } };
    if (body.error?.message) {
      return new ApiFailure(res.status, body.error.code ?? 'error', body.error.message, body.error.request_id ?? requestId, body.error.details);
    }
  } catch {
    // Not JSON: a proxy's page or plain text; shown as it is below.
  }
  return new ApiFailure(res.status, `http_${res.status}`, text.trim().slice(0, 200) || `HTTP ${res.status}`, requestId);
}

/**
 * A `validation_error`'s problems by body field (`body.name` → `name`, `body.scopes.0` → `scopes`),
 * the first message for each; empty for any other failure, so a form can show them beside its fields.
 */
export function fieldErrors(failure: ApiFailure | null): Record<string, string> {
  const errors: Record<string, string> = {};
  if (failure?.code !== 'validation_error' || !Array.isArray(failure.details)) return errors;
  for (const d of failure.details as Array<{ field?: unknown; message?: unknown }>) {
    const [where, field] = typeof d.field === 'string' ? d.field.split('.') : [];
    if (where === 'body' && field && typeof d.message === 'string') errors[field] ??= d.message;
  }
  return errors;
}
