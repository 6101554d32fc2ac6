using BenchmarkDotNet.Attributes;
using Chaos.Messages;
using Npgsql;

namespace Chaos.Benchmarks;

/// <summary>
/// Which batch insert the message store should use: COPY against INSERT … unnest, at the batch sizes group commit
/// produces, on the database named by <c>CHAOS_BENCH_POSTGRES</c>. (Moved from the test suite, which keeps the check
/// that both paths store every row.)
/// </summary>
public class MessageStoreBenchmarks
{
    private NpgsqlDataSource dataSource = null!;
    private PostgresMessageStore store = null!;
    private BenchmarkChannel copyChannel = null!;
    private BenchmarkChannel unnestChannel = null!;

    [Params(1, 10, 50, 100, 150, 256)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        dataSource = await BenchmarkPostgres.OpenAsync();
        store = new PostgresMessageStore(dataSource);
        copyChannel = new BenchmarkChannel();
        unnestChannel = new BenchmarkChannel();
    }

    [GlobalCleanup]
    public ValueTask CleanupAsync() => dataSource.DisposeAsync();

    [Benchmark(Baseline = true)]
    public Task Copy() => store.AppendWithCopyAsync(copyChannel.NextMany(BatchSize), CancellationToken.None);

    [Benchmark]
    public Task Unnest() => store.AppendWithUnnestAsync(unnestChannel.NextMany(BatchSize), CancellationToken.None);
}
