namespace Chaos.Communities;

/// <summary>
/// Lookups by key that every caller arriving while one is out shares, instead of starting its own: a grain's calls
/// interleave at awaits, so a burst of calls that miss a cache would otherwise each query storage or another grain.
/// For one activation's single-threaded scheduler; not thread-safe. A lookup is shared only while it is out.
/// </summary>
internal sealed class SharedLookups<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, Lookup> inFlight = [];

    /// <summary>The lookup of <paramref name="key"/> already out, or a new one by <paramref name="load"/>.</summary>
    public Task<TValue> GetOrStart(TKey key, Func<Task<TValue>> load)
    {
        if (inFlight.TryGetValue(key, out var running))
        {
            return running.Task!;
        }

        var lookup = new Lookup();
        lookup.Task = RunAsync(key, lookup, load);
        if (!lookup.Task.IsCompleted)
        {
            inFlight[key] = lookup;
        }

        return lookup.Task;
    }

    /// <summary>Callers from now on start a fresh lookup of <paramref name="key"/> (its answer may have changed).</summary>
    public void Forget(TKey key) => inFlight.Remove(key);

    /// <summary>Callers from now on start fresh lookups of every key.</summary>
    public void ForgetAll() => inFlight.Clear();

    private async Task<TValue> RunAsync(TKey key, Lookup lookup, Func<Task<TValue>> load)
    {
        try
        {
            return await load();
        }
        finally
        {
            // Only this lookup: after a Forget, a newer one of the same key may be out.
            if (inFlight.TryGetValue(key, out var current) && ReferenceEquals(current, lookup))
            {
                inFlight.Remove(key);
            }
        }
    }

    private sealed class Lookup
    {
        public Task<TValue>? Task { get; set; }
    }
}
