// Webhooks (§1.4): the list with status and health, create/edit, delete with confirmation, the
// selected webhook's details, and the dead-letter queue.
import { useState } from 'react';
import type { ApiClient, ApiFailure } from '../api-client.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ErrorBanner } from '../components/error-banner.js';
import type { Webhook } from '../types.js';
import { asFailure, useLoad } from '../use-load.js';
import { DlqPanel } from './dlq-panel.js';
import { WebhookDetails } from './webhook-details.js';
import { WebhookForm } from './webhook-form.js';
import { DataTable } from '../components/data-table.js';

/** A webhook's health in words: disabled (and why), failing, or healthy. */
export function healthOf(w: Webhook): { label: string; tone: 'ok' | 'warn' | 'bad' } {
  // The worker's own reason already begins with the word ("disabled after 5 consecutive …").
  if (!w.is_active) return { label: !w.disabled_reason ? 'disabled' : /^disabled\b/i.test(w.disabled_reason) ? w.disabled_reason : `disabled: ${w.disabled_reason}`, tone: 'bad' };
  if (w.consecutive_failures > 0) return { label: `${w.consecutive_failures} failing in a row`, tone: 'warn' };
  return { label: 'healthy', tone: 'ok' };
}

/** The most pages of 100 the list reads; past them it says the list is cut. */
const MAX_WEBHOOK_PAGES = 10;

/** Every webhook of the tenant, page by page (at most 1,000), and whether more were left unread. */
export async function loadWebhooks(api: ApiClient): Promise<{ webhooks: Webhook[]; truncated: boolean }> {
  const webhooks: Webhook[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_WEBHOOK_PAGES; page++) {
    const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const answer: { webhooks: Webhook[]; next_cursor: string | null } = await api.get(`/v1/webhooks?limit=100${after}`);
    webhooks.push(...answer.webhooks);
    cursor = answer.next_cursor;
    if (!cursor) return { webhooks, truncated: false };
  }
  return { webhooks, truncated: true };
}

/** The webhooks page of the signed-in key's tenant. */
export function WebhooksPage({ api }: { api: ApiClient }) {
  const loaded = useLoad(() => loadWebhooks(api), [api], 10_000);
  const [form, setForm] = useState<{ editing?: Webhook } | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const webhooks = loaded.data?.webhooks ?? [];
  const current = webhooks.find((w) => w.webhook_id === selected);

  const remove = async () => {
    if (!deleting) return;
    try {
      await api.delete(`/v1/webhooks/${deleting.webhook_id}`);
      if (selected === deleting.webhook_id) setSelected(null);
      setError(null);
    } catch (err) {
      setError(asFailure(err));
    }
    setDeleting(null);
    loaded.reload();
  };

  return (
    <section aria-labelledby="webhooks-title">
      <div className="page-head">
        <h2 id="webhooks-title">Webhooks</h2>
        <button type="button" className="primary" onClick={() => setForm({})}>
          New webhook
        </button>
      </div>
      <ErrorBanner error={error ?? loaded.error} />
      {form ? (
        <WebhookForm
          key={`form-${form.editing?.webhook_id ?? 'new'}`}
          api={api}
          editing={form.editing}
          onCancel={() => setForm(null)}
          onDone={() => (setForm(null), loaded.reload())}
          onCreated={loaded.reload}
        />
      ) : null}
      <DataTable columns={['URL', 'Events', 'Status', 'Health', 'Actions']} count={loaded.data ? webhooks.length : undefined} loading={loaded.loading} empty="No webhooks yet. Create one to receive events as they happen.">
        {webhooks.map((w) => {
          const health = healthOf(w);
          return (
            <tr key={w.webhook_id} aria-selected={w.webhook_id === selected}>
              <td className="mono wrap">{w.url}</td>
              <td>{w.events.join(', ')}</td>
              <td>
                <span className={`badge ${w.is_active ? 'active' : 'revoked'}`}>{w.is_active ? 'active' : 'inactive'}</span>
              </td>
              <td className={health.tone}>{health.label}</td>
              <td>
                <div className="row-actions">
                  <button type="button" onClick={() => setSelected(w.webhook_id === selected ? null : w.webhook_id)}>
                    {w.webhook_id === selected ? 'Hide' : 'Details'}
                  </button>
                  <button type="button" onClick={() => setForm({ editing: w })}>
                    Edit
                  </button>
                  <button type="button" className="danger" onClick={() => setDeleting(w)}>
                    Delete
                  </button>
                </div>
              </td>
            </tr>
          );
        })}
      </DataTable>
      {loaded.data?.truncated ? <p className="muted small">The first {webhooks.length} webhooks are shown.</p> : null}
      {current ? <WebhookDetails key={`details-${current.webhook_id}`} api={api} webhook={current} /> : null}
      <DlqPanel api={api} webhooks={webhooks} />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this webhook?"
        confirmLabel="Delete"
        danger
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(null)}
      >
        <p>
          <span className="mono">{deleting?.url}</span> will receive no more events. This cannot be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}
