using System.Diagnostics.Metrics;

namespace Chaos.RelayBench;

/// <summary>
/// Counts the messages both silos of this process wrote to their silo-to-silo connections (Orleans'
/// <c>orleans-messaging-sent-messages-size</c> histogram, one measurement per message sent over a connection), so a
/// point shows how many network messages each event cost and that the path really crossed between the silos.
/// </summary>
public sealed class NetworkCounter : IDisposable
{
    private const string SentMessageSize = "orleans-messaging-sent-messages-size";

    private readonly MeterListener listener = new();
    private long messages;
    private long bytes;

    public NetworkCounter()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == SentMessageSize)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, size, _, _) =>
        {
            Interlocked.Increment(ref messages);
            Interlocked.Add(ref bytes, size);
        });
        listener.Start();
    }

    public long Messages => Interlocked.Read(ref messages);

    public long Bytes => Interlocked.Read(ref bytes);

    public void Dispose() => listener.Dispose();
}
