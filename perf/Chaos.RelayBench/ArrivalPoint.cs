namespace Chaos.RelayBench;

/// <summary>Where an event's arrival is recorded.</summary>
public enum ArrivalPoint
{
    /// <summary>The subscribing grain's handler ran (BroadcastChannel and stream paths).</summary>
    Grain,

    /// <summary>The observer on silo B ran: where a front door would receive it.</summary>
    FrontDoor,
}
