namespace Chaos.RelayBench;

/// <summary>The arrivals of one window.</summary>
public sealed class RecorderWindow
{
    private readonly PointArrivals[] points;

    public RecorderWindow(long firstSeq, int count)
    {
        FirstSeq = firstSeq;
        Count = count;
        points = [new PointArrivals(count), new PointArrivals(count)];
    }

    public long FirstSeq { get; }

    public int Count { get; }

    public PointArrivals this[ArrivalPoint point] => points[(int)point];

    internal bool Record(ArrivalPoint point, BenchEvent item, long now)
    {
        var index = item.Seq - FirstSeq;
        if (index < 0 || index >= Count)
        {
            return false;
        }

        points[(int)point].Record((int)index, item, now);
        return true;
    }
}
