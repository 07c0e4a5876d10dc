// Shows an API error as the API gave it: the message, the code, and the request id to quote when
// asking about it (the server logs every request with that id).
import type { ApiFailure } from '../api-client.js';

/** An alert with the error's message, code and request id; renders nothing without an error. */
export function ErrorBanner({ error }: { error: ApiFailure | undefined | null }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      <strong>{error.message}</strong>
      <span className="muted">
        {' '}
        ({error.status > 0 ? `${error.status} ` : ''}
        {error.code}
        {error.requestId ? `, request id ${error.requestId}` : ''})
      </span>
    </div>
  );
}
