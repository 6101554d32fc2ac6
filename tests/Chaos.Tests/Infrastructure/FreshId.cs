namespace Chaos.Tests.Infrastructure;

/// <summary>Ids no other test uses (spaced, from a random start per run), so tests sharing a store or database never meet.</summary>
public static class FreshId
{
    private static long last = Random.Shared.NextInt64(1L << 40, 1L << 50);

    public static long Next() => Interlocked.Add(ref last, 1000);

    /// <summary><paramref name="count"/> fresh ids in ascending order.</summary>
    public static long[] Many(int count) => [.. Enumerable.Range(0, count).Select(_ => Next())];
}
