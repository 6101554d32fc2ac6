using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Chaos.Support;

/// <summary>
/// The support desk on <c>/metrics</c>, per community: queue length (reported by the silo where each desk grain is
/// active), how long guests waited for an agent, and how long agents took from assignment to close.
/// </summary>
public sealed class SupportMetrics
{
    private readonly ConcurrentDictionary<long, (int Queued, int Assigned)> desks = new();
    private readonly Histogram<double> waits;
    private readonly Histogram<double> handles;

    public SupportMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create("Chaos") ?? new Meter("Chaos");
        meter.CreateObservableGauge("chaos.support.queue_length", () => Observe(d => d.Queued), "{conversation}", "Conversations waiting for an agent, per community.");
        meter.CreateObservableGauge("chaos.support.assigned", () => Observe(d => d.Assigned), "{conversation}", "Conversations with an agent, per community.");
        waits = meter.CreateHistogram<double>("chaos.support.wait", "s", "From a conversation's start to its first agent, per community.");
        handles = meter.CreateHistogram<double>("chaos.support.handle", "s", "From a conversation's first agent to its close, per community.");
    }

    public void Report(long communityId, int queued, int assigned) => desks[communityId] = (queued, assigned);

    /// <summary>The desk deactivated here (it reports again from wherever it activates next).</summary>
    public void Forget(long communityId) => desks.TryRemove(communityId, out _);

    public void OnAssigned(long communityId, TimeSpan waited) => waits.Record(Math.Max(0, waited.TotalSeconds), Tag(communityId));

    public void OnClosed(long communityId, TimeSpan handled) => handles.Record(Math.Max(0, handled.TotalSeconds), Tag(communityId));

    private IEnumerable<Measurement<int>> Observe(Func<(int Queued, int Assigned), int> pick) =>
        desks.Select(d => new Measurement<int>(pick(d.Value), Tag(d.Key)));

    private static KeyValuePair<string, object?> Tag(long communityId) => new("community", communityId.ToString(CultureInfo.InvariantCulture));
}
