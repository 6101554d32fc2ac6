using BenchmarkDotNet.Attributes;
using Chaos.Messages;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Chaos.Benchmarks;

/// <summary>
/// Accepts per second of group commit (<see cref="MessageWriter"/>, default options) on the database named by
/// <c>CHAOS_BENCH_POSTGRES</c>: 20,000 messages written all at once (every batch full, the best case), and by 1,000
/// channels that each wait for their previous message to be durable before the next, as channel grains do. (Moved from
/// the test suite, which keeps the check that every message becomes durable.)
/// </summary>
public class MessageWriterBenchmarks
{
    private const int Total = 20_000;
    private NpgsqlDataSource dataSource = null!;
    private MessageWriter writer = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        dataSource = await BenchmarkPostgres.OpenAsync();
        writer = new MessageWriter(new PostgresMessageStore(dataSource), Options.Create(new MessageWriterOptions()));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await writer.DisposeAsync();
        await dataSource.DisposeAsync();
    }

    [Benchmark(OperationsPerInvoke = Total)]
    public Task Burst_200Channels()
    {
        var channels = Enumerable.Range(0, 200).Select(_ => new BenchmarkChannel()).ToList();
        return Task.WhenAll(channels.SelectMany(c => c.NextMany(Total / channels.Count)).Select(writer.WriteAsync));
    }

    [Benchmark(OperationsPerInvoke = Total)]
    public Task SequentialSenders_1000Channels()
    {
        var channels = Enumerable.Range(0, 1_000).Select(_ => new BenchmarkChannel()).ToList();
        return Task.WhenAll(channels.Select(c => Task.Run(async () =>
        {
            for (var n = 0; n < Total / channels.Count; n++)
            {
                await writer.WriteAsync(c.Next());
            }
        })));
    }
}
