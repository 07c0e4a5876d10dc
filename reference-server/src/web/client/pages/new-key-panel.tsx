// A key's secrets right after it was created or rotated: the API key and its signing secret, each
// with a copy button, shown this once (the server keeps a hash and a sealed copy, never the text).
import type { ReactNode } from 'react';
import { CopyButton } from '../components/copy-button.js';
import type { CreatedKey } from '../types.js';

/**
 * Shows `created`'s `api_key` and `signing_secret` under `title`, with `children` saying what else
 * changed; `onDone` forgets them (the only copy the page holds is in this component's props).
 */
export function NewKeyPanel({ title, created, onDone, children }: { title: string; created: CreatedKey; onDone: () => void; children?: ReactNode }) {
  return (
    <div className="panel highlight" role="status" aria-label="New key">
      <h3>{title}</h3>
      {children}
      <p className="once">
        <strong>You will not see these again.</strong> Copy them now: the server keeps only a hash of the key and an encrypted signing secret, and
        cannot show either again. If they are lost, rotate the key.
      </p>
      <dl className="secrets">
        <dt>API key</dt>
        <dd>
          <code className="secret" data-testid="new-key">
            {created.api_key}
          </code>
          <CopyButton text={created.api_key} label="Copy key" />
        </dd>
        <dt>Signing secret</dt>
        <dd>
          <code className="secret" data-testid="new-signing-secret">
            {created.signing_secret}
          </code>
          <CopyButton text={created.signing_secret} label="Copy signing secret" />
        </dd>
      </dl>
      <p className="muted small">The signing secret is only needed to sign requests (SIGNING_MODE optional or required).</p>
      <div className="actions">
        <button type="button" className="primary" onClick={onDone}>
          I have saved it
        </button>
      </div>
    </div>
  );
}
