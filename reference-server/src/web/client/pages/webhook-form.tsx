// The create/edit form for a webhook: URL and event filter checked as the API checks them (exact
// names, `*`, prefix patterns like `order.*`) before sending; the API's own verdict is shown too.
import { useState, type FormEvent } from 'react';
import type { ApiClient, ApiFailure } from '../api-client.js';
import { CopyButton } from '../components/copy-button.js';
import { ErrorBanner } from '../components/error-banner.js';
import { parsePatterns, webhookFormErrors } from '../format.js';
import type { Webhook } from '../types.js';
import { asFailure } from '../use-load.js';

/**
 * Creates a webhook, or edits `editing`; calls `onDone` after a successful save. A created webhook
 * calls `onCreated` at once, while its secret is still on screen, so the list can show it.
 */
export function WebhookForm({ api, editing, onDone, onCancel, onCreated }: { api: ApiClient; editing?: Webhook; onDone: () => void; onCancel: () => void; onCreated?: () => void }) {
  const [url, setUrl] = useState(editing?.url ?? '');
  const [events, setEvents] = useState(editing?.events.join(', ') ?? '*');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [active, setActive] = useState(editing?.is_active ?? true);
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const errors = webhookFormErrors({ url, events });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(errors).length > 0) return;
    // An edit sends the description even when emptied: left out, the API keeps the old one.
    const body = { url: url.trim(), events: parsePatterns(events), description: editing ? description.trim() : description.trim() || undefined, is_active: active };
    try {
      if (editing) {
        await api.put(`/v1/webhooks/${editing.webhook_id}`, body);
        onDone();
      } else {
        const created = await api.post<Webhook & { secret: string }>('/v1/webhooks', body);
        setSecret(created.secret);
        onCreated?.();
      }
    } catch (err) {
      setError(asFailure(err));
    }
  };

  if (secret) {
    return (
      <div className="panel" role="status">
        <h3>Webhook created</h3>
        <p>Its signing secret is shown only now. Keep it where the receiver can verify signatures with it.</p>
        <code className="secret">{secret}</code> <CopyButton text={secret} />
        <div className="actions">
          <button type="button" className="primary" onClick={onDone}>
            Done
          </button>
        </div>
      </div>
    );
  }
  return (
    <form className="panel form" onSubmit={submit} noValidate aria-label={editing ? 'Edit webhook' : 'New webhook'}>
      <h3>{editing ? 'Edit webhook' : 'New webhook'}</h3>
      <label htmlFor="wh-url">Endpoint URL</label>
      <input id="wh-url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/hooks" aria-invalid={touched && !!errors.url} />
      {touched && errors.url ? <p className="field-error">{errors.url}</p> : null}
      <label htmlFor="wh-events">Event types</label>
      <input id="wh-events" value={events} onChange={(e) => setEvents(e.target.value)} aria-describedby="wh-events-hint" aria-invalid={touched && !!errors.events} />
      <p id="wh-events-hint" className="muted small field-hint">
        Comma-separated: exact names (order.created), * for all, or prefixes (order.*).
      </p>
      {touched && errors.events ? <p className="field-error">{errors.events}</p> : null}
      <label htmlFor="wh-description">Description</label>
      <input id="wh-description" value={description} onChange={(e) => setDescription(e.target.value)} />
      <label className="inline">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> Active
      </label>
      <ErrorBanner error={error} />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary">
          {editing ? 'Save' : 'Create webhook'}
        </button>
      </div>
    </form>
  );
}
