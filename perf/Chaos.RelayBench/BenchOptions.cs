using System.Globalization;

namespace Chaos.RelayBench;

/// <summary>Command-line settings (<c>--help</c> lists them).</summary>
public sealed class BenchOptions
{
    public const string Usage = """
        chaos-relay-bench: publish → arrival latency between two silos of one process (docs/benchmarks.md).
          --path observer|bcast|stream|none   how the publisher (silo A) sends (default observer)
          --subscriber-silo a|b|auto          where the bcast/stream subscriber grain lives (default b); auto (bcast
                                              only, no relay): Orleans' default placement, activated by the first event
          --relay                             the subscriber relays each event one-way to silo B's observer
          --pull-ms N                         stream path: pulling agent period in ms (default 10)
          --rates 1000,5000                   events/s, one point each (default 1000,5000)
          --seconds N                         measured seconds per point (default 10)
          --warmup N                          warm-up seconds before each point (default 3)
          --drain N                           seconds to wait for stragglers (default 5)
          --base-port N                       silo ports N, N+1; gateway ports N+19000, N+19001 (default 11611)
          --label TEXT                        a label copied into each JSON line
          --out FILE                          append JSON lines to FILE
        """;

    public BenchMechanism Mechanism { get; private set; } = BenchMechanism.Observer;

    public char SubscriberSilo { get; private set; } = 'B';

    public bool Relay { get; private set; }

    public int PullMilliseconds { get; private set; } = 10;

    public IReadOnlyList<int> Rates { get; private set; } = [1000, 5000];

    public int Seconds { get; private set; } = 10;

    public int WarmupSeconds { get; private set; } = 3;

    public int DrainSeconds { get; private set; } = 5;

    public int BasePort { get; private set; } = 11611;

    public string Label { get; private set; } = "";

    public string? OutFile { get; private set; }

    /// <summary>A short name of the path, as in the tables of docs/benchmarks.md.</summary>
    public string PathName => Mechanism switch
    {
        BenchMechanism.Observer => "observer",
        BenchMechanism.None => "none",
        BenchMechanism.Broadcast when SubscriberSilo == '?' => "bcast-sub@default-placement",
        BenchMechanism.Broadcast => $"bcast-sub@{SubscriberSilo}{(Relay ? "-relay" : "")}",
        BenchMechanism.Stream => $"stream{PullMilliseconds}ms-sub@{SubscriberSilo}{(Relay ? "-relay" : "")}",
        _ => Mechanism.ToString(),
    };

    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--help" or "-h":
                    return null;
                case "--path":
                    options.Mechanism = Next() switch
                    {
                        "observer" => BenchMechanism.Observer,
                        "bcast" => BenchMechanism.Broadcast,
                        "stream" => BenchMechanism.Stream,
                        "none" => BenchMechanism.None,
                        var other => throw new ArgumentException($"Unknown path {other}."),
                    };
                    break;
                case "--subscriber-silo":
                    options.SubscriberSilo = Next().ToUpperInvariant() switch
                    {
                        "A" => 'A',
                        "B" => 'B',
                        "AUTO" => '?',
                        var other => throw new ArgumentException($"Unknown silo {other}."),
                    };
                    break;
                case "--relay":
                    options.Relay = true;
                    break;
                case "--pull-ms":
                    options.PullMilliseconds = NextInt();
                    break;
                case "--rates":
                    options.Rates = [.. Next().Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture))];
                    break;
                case "--seconds":
                    options.Seconds = NextInt();
                    break;
                case "--warmup":
                    options.WarmupSeconds = NextInt();
                    break;
                case "--drain":
                    options.DrainSeconds = NextInt();
                    break;
                case "--base-port":
                    options.BasePort = NextInt();
                    break;
                case "--label":
                    options.Label = Next();
                    break;
                case "--out":
                    options.OutFile = Next();
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        if (options.SubscriberSilo == '?' && (options.Mechanism != BenchMechanism.Broadcast || options.Relay))
        {
            throw new ArgumentException("--subscriber-silo auto is for --path bcast without --relay.");
        }

        return options;
    }
}
