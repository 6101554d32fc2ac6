namespace Chaos.RelayBench;

/// <summary>Provider names and the namespace both silos agree on.</summary>
public static class BenchNames
{
    public const string ChannelProvider = "bench-channel";
    public const string StreamProvider = "bench-stream";
    public const string Namespace = "bench";

    /// <summary>The namespace only <see cref="AutoPlacedSubscriberGrain"/> subscribes to.</summary>
    public const string AutoNamespace = "bench-auto";
}
