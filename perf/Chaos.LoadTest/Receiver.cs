using System.Diagnostics;
using System.Globalization;
using Chaos.Client.Messages;

namespace Chaos.LoadTest;

/// <summary>
/// One receiving connection's accounting, fed from the raw socket events (before the SDK's duplicate suppression):
/// latency from the send timestamp embedded in the content, and lost/duplicated/out-of-order by each channel's seq.
/// </summary>
internal sealed class Receiver(int door = 0, IReadOnlyList<int>? senderDoors = null)
{
    private readonly Dictionary<string, ChannelSeqs> channels = [];
    private readonly Dictionary<string, HashSet<long>> delivered = [];
    private readonly List<double> latencies = [];
    private readonly List<double> crossDoor = [];
    private readonly Lock sync = new();

    public long Deliveries { get; private set; }

    public long Duplicates { get; private set; }

    public long OutOfOrder { get; private set; }

    /// <summary>Whether <see cref="OnApplicationMessage"/> is wired (it has seen a message).</summary>
    public bool TracksApplication
    {
        get
        {
            lock (sync)
            {
                return delivered.Count > 0;
            }
        }
    }

    public void OnMessage(Message message)
    {
        var now = Stopwatch.GetTimestamp();
        lock (sync)
        {
            Deliveries++;
            if (Payload.TryRead(message.Content, out var sent, out var sender))
            {
                var latency = Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds;
                latencies.Add(latency);
                if (senderDoors is not null && sender < senderDoors.Count && senderDoors[sender] != door)
                {
                    crossDoor.Add(latency);
                }
            }

            if (!channels.TryGetValue(message.ChannelId, out var seqs))
            {
                seqs = new ChannelSeqs();
                channels[message.ChannelId] = seqs;
            }

            if (!seqs.Seen.Add(message.Seq))
            {
                Duplicates++;
                return;
            }

            if (message.Seq < seqs.Last)
            {
                OutOfOrder++;
            }

            seqs.Last = Math.Max(seqs.Last, message.Seq);
            seqs.First = Math.Min(seqs.First, message.Seq);
        }
    }

    /// <summary>
    /// A message the SDK handed to the application (its <c>MessageCreated</c>: live or filled from history after a
    /// reconnect), for <see cref="LostAfterGapFill"/>.
    /// </summary>
    public void OnApplicationMessage(Message message)
    {
        lock (sync)
        {
            if (!delivered.TryGetValue(message.ChannelId, out var seqs))
            {
                delivered[message.ChannelId] = seqs = [];
            }

            seqs.Add(message.Seq);
        }
    }

    /// <summary>
    /// Messages of a channel this receiver should have had and the application never got, neither live nor from history
    /// (only meaningful when <see cref="OnApplicationMessage"/> is wired).
    /// </summary>
    public long LostAfterGapFill(IReadOnlyDictionary<string, (long First, long Last)> expected)
    {
        lock (sync)
        {
            long lost = 0;
            foreach (var (channelId, range) in expected)
            {
                if (!channels.ContainsKey(channelId))
                {
                    continue;
                }

                var seqs = delivered.GetValueOrDefault(channelId);
                for (var seq = range.First; seq <= range.Last; seq++)
                {
                    if (seqs is null || !seqs.Contains(seq))
                    {
                        lost++;
                    }
                }
            }

            return lost;
        }
    }

    /// <summary>Messages of a channel this receiver should have had (<paramref name="expected"/>: channel → seq range) and did not.</summary>
    public long Lost(IReadOnlyDictionary<string, (long First, long Last)> expected)
    {
        lock (sync)
        {
            long lost = 0;
            foreach (var (channelId, range) in expected)
            {
                if (!channels.TryGetValue(channelId, out var seqs))
                {
                    continue;
                }

                for (var seq = range.First; seq <= range.Last; seq++)
                {
                    if (!seqs.Seen.Contains(seq))
                    {
                        lost++;
                    }
                }
            }

            return lost;
        }
    }

    public bool Subscribed(string channelId)
    {
        lock (sync)
        {
            return channels.ContainsKey(channelId);
        }
    }

    public IReadOnlyList<double> Latencies()
    {
        lock (sync)
        {
            return [.. latencies];
        }
    }

    /// <summary>Latencies of messages whose sender was connected to another front door than this receiver.</summary>
    public IReadOnlyList<double> CrossDoorLatencies()
    {
        lock (sync)
        {
            return [.. crossDoor];
        }
    }

    private sealed class ChannelSeqs
    {
        public HashSet<long> Seen { get; } = [];

        public long Last { get; set; }

        public long First { get; set; } = long.MaxValue;
    }
}

/// <summary>The load generator's message content: <c>lt {stopwatch timestamp} {sender} {n}</c>.</summary>
internal static class Payload
{
    public static string Create(int sender, long n) =>
        string.Create(CultureInfo.InvariantCulture, $"lt {Stopwatch.GetTimestamp()} {sender} {n}");

    public static bool TryRead(string content, out long timestamp, out int sender)
    {
        timestamp = 0;
        sender = -1;
        if (!content.StartsWith("lt ", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = content.Split(' ');
        return parts.Length >= 3
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out timestamp)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out sender);
    }
}
