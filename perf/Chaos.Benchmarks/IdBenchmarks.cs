using BenchmarkDotNet.Attributes;
using Chaos.Ids;

namespace Chaos.Benchmarks;

/// <summary>Snowflake id generation, once per message, member row and audit entry.</summary>
public class IdBenchmarks
{
    private readonly SnowflakeIdGenerator generator = new(TimeProvider.System);

    [GlobalSetup]
    public void Setup() => generator.SetNode(1);

    [Benchmark]
    public long NextId() => generator.NextId();
}
