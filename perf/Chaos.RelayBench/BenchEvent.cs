namespace Chaos.RelayBench;

/// <summary>
/// The measured event. <see cref="DriverTimestamp"/> is when the driver asked for it to be published (it exposes a
/// publisher that falls behind), <see cref="SentTimestamp"/> when the publisher grain published it; both are
/// <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> values of this one process.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BenchEvent(
    [property: Id(0)] long Seq,
    [property: Id(1)] long DriverTimestamp,
    [property: Id(2)] long SentTimestamp,
    [property: Id(3)] string Payload);
