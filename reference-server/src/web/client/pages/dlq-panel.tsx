// The dead-letter queue: deliveries that ran out of attempts, newest first a page at a time, each
// replayable on its own, and a replay of one webhook's deliveries over a time window
// (POST /v1/webhooks/{id}/replay).
import { useState, type FormEvent } from 'react';
import { fieldErrors, type ApiClient, type ApiFailure } from '../api-client.js';
import { ErrorBanner } from '../components/error-banner.js';
import { parseUtc, utc, utcMinute } from '../format.js';
import type { DlqEntry, Webhook } from '../types.js';
import { asFailure, useLoad } from '../use-load.js';
import { DataTable } from '../components/data-table.js';

/** Entries a page of the panel shows: the API's largest page, the newest first (`order=desc`). */
const PAGE = 100;

/** The tenant's DLQ with replay buttons. */
export function DlqPanel({ api, webhooks }: { api: ApiClient; webhooks: Webhook[] }) {
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [windowHook, setWindowHook] = useState('');
  // Typed as text in the form every time is shown in (a browser's own time field shows its locale's clock).
  const [since, setSince] = useState(() => utcMinute(Date.now() - 3_600_000));
  const [until, setUntil] = useState(() => utcMinute(Date.now() + 60_000));
  const [checked, setChecked] = useState(false);
  const [windowError, setWindowError] = useState<ApiFailure | null>(null);
  // The cursor of every page opened so far, the first's null: Older pushes the API's next cursor,
  // Newer pops back, and the page shown is refreshed where it is.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1]!;
  const first = (cursors.length - 1) * PAGE;
  const loaded = useLoad(
    () => api.get<{ entries: DlqEntry[]; next_cursor: string | null }>(`/v1/webhooks/dlq?limit=${PAGE}&order=desc${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    [api, cursor],
    5000,
  );
  const next = loaded.data?.next_cursor ?? null;

  const act = async (what: () => Promise<string>) => {
    setError(null);
    try {
      setNotice(await what());
      loaded.reload();
    } catch (err) {
      setError(asFailure(err));
    }
  };
  const replayOne = (entry: DlqEntry) =>
    act(async () => {
      await api.post(`/v1/webhooks/dlq/${entry.delivery_id}/replay`);
      return `Delivery ${entry.delivery_id} queued again.`;
    });
  const replayWindow = async (e: FormEvent) => {
    e.preventDefault();
    const hook = windowHook || webhooks[0]?.webhook_id;
    const body = { since: parseUtc(since), until: parseUtc(until) };
    setWindowError(null);
    setChecked(true);
    if (!hook || body.since === null || body.until === null) return;
    try {
      const result = await api.post<{ replayed: number }>(`/v1/webhooks/${hook}/replay`, body);
      setNotice(`${result.replayed} ${result.replayed === 1 ? 'delivery' : 'deliveries'} queued again.`);
      loaded.reload();
    } catch (err) {
      setWindowError(asFailure(err));
    }
  };
  // Beside each time: a text that is no time, else the API's word on it (since after until).
  const byField = fieldErrors(windowError);
  const timeError = (text: string, field: 'since' | 'until') => (checked && parseUtc(text) === null ? 'Enter a UTC time like 2026-01-31 13:05' : byField[field]);
  const unplaced = windowError && !byField.since && !byField.until ? windowError : null;

  const entries = loaded.data?.entries ?? [];
  return (
    <section className="panel" aria-labelledby="dlq-title">
      <h3 id="dlq-title">Dead-letter queue</h3>
      {notice ? <p role="status" className="ok">{notice}</p> : null}
      <ErrorBanner error={error ?? loaded.error} />
      <DataTable columns={['Delivery', 'Event type', 'Reason', 'Attempts', 'Dead since', '']} count={loaded.data ? entries.length : undefined} loading={loaded.loading} empty="Nothing dead-lettered.">
        {entries.map((e) => (
          <tr key={e.delivery_id}>
            <td className="mono">{e.delivery_id}</td>
            <td>{e.event_type}</td>
            <td>{e.reason}</td>
            <td>{e.attempts}</td>
            <td>{utc(e.dead_at)}</td>
            <td>
              <button type="button" onClick={() => void replayOne(e)}>
                Replay
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
      {cursors.length > 1 || next ? (
        <nav className="pager" aria-label="Dead-letter pages">
          <button type="button" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            Newer
          </button>
          <span className="muted small">
            {entries.length > 0 ? `Entries ${first + 1}–${first + entries.length}, newest first` : 'No entries left on this page'}
          </span>
          <button type="button" disabled={!next} onClick={() => next && setCursors((c) => [...c, next])}>
            Older
          </button>
        </nav>
      ) : null}
      {webhooks.length > 0 ? (
        <form className="toolbar" onSubmit={(e) => void replayWindow(e)} aria-label="Replay by window" noValidate>
          <label>
            Webhook
            <select value={windowHook} onChange={(e) => setWindowHook(e.target.value)}>
              {webhooks.map((w) => (
                <option key={w.webhook_id} value={w.webhook_id}>
                  {w.url}
                </option>
              ))}
            </select>
          </label>
          <label>
            Since (UTC)
            <input value={since} onChange={(e) => setSince(e.target.value)} placeholder="2026-01-31 13:05" aria-invalid={!!timeError(since, 'since')} />
            {timeError(since, 'since') ? <span className="field-error">{timeError(since, 'since')}</span> : null}
          </label>
          <label>
            Until (UTC)
            <input value={until} onChange={(e) => setUntil(e.target.value)} placeholder="2026-01-31 14:05" aria-invalid={!!timeError(until, 'until')} />
            {timeError(until, 'until') ? <span className="field-error">{timeError(until, 'until')}</span> : null}
          </label>
          <button type="submit">Replay window</button>
        </form>
      ) : null}
      <ErrorBanner error={unplaced} />
    </section>
  );
}
