namespace Chaos.Gateway;

/// <summary>
/// A connection's place for one hub send, carried to the Channel grain in the Orleans request context
/// (docs/architecture.md#sender-order). <see cref="Line"/> names the connection, <see cref="Number"/> rises with every send
/// the connection issues, and <see cref="After"/> is the number of the connection's previous send to the same channel
/// if that one was still unanswered when this one was issued (0 when there is nothing to wait for). The grain admits a
/// stamped send only once the send numbered <see cref="After"/> has taken its place in line, so pipelined sends keep the
/// connection's order although Orleans does not keep the order of calls.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.SendOrderStamp")]
public sealed record SendOrderStamp([property: Id(0)] string Line, [property: Id(1)] long Number, [property: Id(2)] long After)
{
    private const string Key = "chaos.sendOrder";

    /// <summary>The stamp of the call being handled, if its caller set one.</summary>
    public static SendOrderStamp? Current => RequestContext.Get(Key) as SendOrderStamp;

    /// <summary>Stamps the grain calls made from here on in the current async flow.</summary>
    public void Apply() => RequestContext.Set(Key, this);

    /// <summary>Stops stamping the grain calls made from here on in the current async flow.</summary>
    public static void Clear() => RequestContext.Remove(Key);
}
