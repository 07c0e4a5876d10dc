// The list every page shows the same way: a loading line until the first answer, a sentence when the
// list is empty, else a scrolling table with its column headings.
import type { ReactNode } from 'react';

/**
 * `count` is the number of rows (undefined before the first answer); `children` are the body's rows.
 * An empty heading (`''`) leaves a column for row actions unlabelled.
 */
export function DataTable({ columns, count, loading, empty, children }: { columns: readonly string[]; count: number | undefined; loading?: boolean; empty: ReactNode; children: ReactNode }) {
  if (count === undefined) return loading ? <p className="loading">Loading…</p> : null;
  if (count === 0) return <p className="empty">{empty}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
