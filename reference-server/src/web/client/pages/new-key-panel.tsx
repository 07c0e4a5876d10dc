// A key's secrets right after it was created or rotated: the API key and its signing secret, each
// with a copy button, shown this once (the server keeps a hash and a sealed copy, never the text).
import { Fragment, type ReactNode } from 'react';
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
        {[
          { term: 'API key', testId: 'new-key', value: created.api_key, copy: 'Copy key' },
          { term: 'Signing secret', testId: 'new-signing-secret', value: created.signing_secret, copy: 'Copy signing secret' },
        ].map(({ term, testId, value, copy }) => (
          <Fragment key={testId}>
            <dt>{term}</dt>
            <dd>
              <code className="secret" data-testid={testId}>
                {value}
              </code>
              <CopyButton text={value} label={copy} />
            </dd>
          </Fragment>
        ))}
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
