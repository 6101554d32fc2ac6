namespace Chaos.RelayBench;

/// <summary>Silo B's observer: records the front-door arrival, nothing else.</summary>
public sealed class BenchObserver(Recorder recorder) : IBenchObserver
{
    public Task OnEvent(BenchEvent item)
    {
        recorder.Arrive(ArrivalPoint.FrontDoor, item);
        return Task.CompletedTask;
    }
}
