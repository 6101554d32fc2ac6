namespace Chaos.RelayBench;

/// <summary>How the publisher grain sends each event.</summary>
public enum BenchMechanism
{
    /// <summary>Nothing is sent: the cost of the driver and the publisher alone.</summary>
    None,

    /// <summary>One one-way call to the observer on silo B (what CHAOS's Channel grain does per front door).</summary>
    Observer,

    /// <summary><c>IBroadcastChannelWriter.Publish</c> to the implicitly subscribed grain.</summary>
    Broadcast,

    /// <summary><c>IAsyncStream.OnNextAsync</c> on a memory stream with an implicitly subscribed grain.</summary>
    Stream,
}
