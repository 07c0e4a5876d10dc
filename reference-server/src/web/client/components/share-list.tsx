// A distribution as a ranked list with bars and percentages: readable at any width and by a screen
// reader, which a pie chart alone is not.
import type { Share } from '../format.js';
import { percent } from '../format.js';

/** The top names with their counts and shares. */
export function ShareList({ title, shares, empty }: { title: string; shares: Share[]; empty: string }) {
  return (
    <section className="panel" aria-label={title}>
      <h3>{title}</h3>
      {shares.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ol className="shares">
          {shares.map((s) => (
            <li key={s.name}>
              <span className="share-name">{s.name}</span>
              <span className="share-bar" aria-hidden="true">
                <span style={{ width: `${Math.max(1, s.share * 100)}%` }} />
              </span>
              <span className="share-figure">
                {s.count} · {percent(s.share)}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
