using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Chaos.Tests.Voice;

/// <summary>
/// Counts <c>chaos.voice.frames.dropped</c> by reason across every front door and silo in this process while it lives,
/// so a voice test that misses a frame says where it went (rate limit, gap, slow listener) instead of just "missing".
/// </summary>
public sealed class VoiceDropCounter : IDisposable
{
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);
    private readonly MeterListener listener = new();

    public VoiceDropCounter()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Chaos" && instrument.Name == "chaos.voice.frames.dropped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var reason = "unknown";
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    reason = tag.Value?.ToString() ?? reason;
                }
            }

            counts.AddOrUpdate(reason, value, (_, total) => total + value);
        });
        listener.Start();
    }

    public long this[string reason] => counts.GetValueOrDefault(reason);

    /// <remarks>
    /// Reads a snapshot (<c>ToArray</c> takes every lock): LINQ over the live dictionary copies it through
    /// <c>ICollection.CopyTo</c>, which throws when a frame is counted meanwhile (a full run failed on it).
    /// </remarks>
    public override string ToString()
    {
        var snapshot = counts.ToArray();
        return snapshot.Length == 0 ? "no frames dropped" : "dropped: " + string.Join(", ", snapshot.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"));
    }

    public void Dispose() => listener.Dispose();
}
