using System.ComponentModel.DataAnnotations;

namespace Chaos.Messages;

/// <summary>Group commit settings of <see cref="MessageWriter"/>, bound from <c>Chaos:Messages</c>.</summary>
public sealed class MessageWriterOptions
{
    public const string Section = "Chaos:Messages";

    /// <summary>A batch is flushed as soon as it holds this many messages.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 256;

    /// <summary>
    /// How long the oldest queued message may wait for company before its batch is flushed anyway; 0 (the default) flushes
    /// as soon as a flush slot is free: batches still form while a flush runs, and nobody waits for a timer
    /// (docs/benchmarks.md, "Group commit without a linger").
    /// </summary>
    [Range(0, 60_000)]
    public double LingerMilliseconds { get; set; }

    /// <summary>Flushes running at once. One lets batches grow under load instead of splitting into many small commits.</summary>
    [Range(1, 64)]
    public int MaxFlushesInFlight { get; set; } = 1;
}
