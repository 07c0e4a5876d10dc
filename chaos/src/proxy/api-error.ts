// The proxy's one error shape, as Toxiproxy's API reports it: a message and an HTTP status. Failures
// are returned as values (`Outcome`), and the API turns them into `{"error": …, "status": …}` bodies.

/** An API failure: Toxiproxy's exact message and status. */
export interface ApiError {
  message: string;
  status: number;
}

/** Either a value or an ApiError. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Wraps a value as a successful outcome. */
export const success = <T>(value: T): Outcome<T> => ({ ok: true, value });

/** Wraps an error as a failed outcome. */
export const failure = <T = never>(error: ApiError): Outcome<T> => ({ ok: false, error });

/** The fixed errors of Toxiproxy 2.12 (`api.go`), with helpers for the ones that carry detail. */
export const apiErrors = {
  badRequestBody: (detail: string): ApiError => ({ message: `bad request body: ${detail}`, status: 400 }),
  missingField: (field: string): ApiError => ({ message: `missing required field: ${field}`, status: 400 }),
  proxyNotFound: { message: 'proxy not found', status: 404 } as ApiError,
  proxyAlreadyExists: { message: 'proxy already exists', status: 409 } as ApiError,
  invalidStream: { message: 'stream was invalid, can be either upstream or downstream', status: 400 } as ApiError,
  invalidToxicType: { message: 'invalid toxic type', status: 400 } as ApiError,
  toxicAlreadyExists: { message: 'toxic already exists', status: 409 } as ApiError,
  toxicNotFound: { message: 'toxic not found', status: 404 } as ApiError,
  internal: (message: string): ApiError => ({ message, status: 500 }),
  /** Ours, not Toxiproxy's (it reads any size): bodies past the API's limit are refused. */
  bodyTooLarge: (limit: number): ApiError => ({ message: `request body too large: the limit is ${limit} bytes`, status: 413 }),
};
