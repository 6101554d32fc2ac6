using System.ComponentModel.DataAnnotations;

namespace Chaos.Hosting;

/// <summary>
/// <c>Chaos:Streams</c>: the memory stream provider pulls its queues on a timer that sets both fan-out latency and idle
/// cost (the Orleans default of 100 ms gives p50 ≈ 50 ms); chat starts at 10 ms and 2 queues.
/// </summary>
public sealed class ChaosStreamsOptions
{
    public const string Section = "Chaos:Streams";

    [Range(1, 60_000)]
    public int PullPeriodMilliseconds { get; set; } = 10;

    [Range(1, 1024)]
    public int Queues { get; set; } = 2;
}
