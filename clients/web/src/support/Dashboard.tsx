import { duration } from './canned';
import type { useDesk } from './useDesk';

/** The managers' figures (`GET /communities/{id}/support/stats`), read again on every conversation event. */
export function Dashboard({ desk }: { desk: ReturnType<typeof useDesk> }) {
  const { stats, conversations, error } = desk;
  const queued = conversations.filter((c) => c.status === 'queued');
  const oldest = queued[0];
  const figures: [string, string, string][] = stats
    ? [
        ['queued', 'Waiting in the queue', String(stats.queued)],
        ['assigned', 'In conversation', String(stats.assigned)],
        ['agents', 'Agents available', String(stats.agentsAvailable)],
        ['wait', 'Median wait', duration(stats.medianWaitSeconds)],
        ['handle', 'Median handle time', duration(stats.medianHandleSeconds)],
        ['rating', 'Average rating', stats.ratingAverage === null || stats.ratingAverage === undefined ? '—' : `${stats.ratingAverage.toFixed(1)} / 5`],
      ]
    : [];
  return (
    <section className="desk-dashboard" aria-labelledby="desk-dashboard-title">
      <h2 id="desk-dashboard-title">Live figures</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!stats ? (
        <p role="status">Loading…</p>
      ) : (
        <dl className="figures">
          {figures.map(([id, label, value]) => (
            <div key={id} className="figure">
              <dt>{label}</dt>
              <dd data-testid={`stat-${id}`}>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      <p className="muted">{oldest ? `Longest wait now: ${duration((Date.now() - new Date(oldest.createdAt).getTime()) / 1000)} (${oldest.guest.name}).` : 'Nobody is waiting.'}</p>
    </section>
  );
}
