// A summary number with its label, for the tops of pages (total events, error rate, p95, p99).

/** One labelled figure. */
export function StatCard({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="card" role="group" aria-label={label}>
      <div className="card-label">{label}</div>
      <div className="card-value">{value}</div>
      {hint ? <div className="muted small">{hint}</div> : null}
    </div>
  );
}
