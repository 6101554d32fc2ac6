using System.Diagnostics;
using Chaos.Messages;
using Npgsql;
using Xunit.Abstractions;

namespace Chaos.Tests.Messages;

public sealed class PostgresMessageStoreTests(PostgresMessageStoreFixture fixture, ITestOutputHelper output)
    : MessageStoreBehaviour, IClassFixture<PostgresMessageStoreFixture>
{
    protected override IMessageStore Store => fixture.Store;

    protected override void Report(string line) => output.WriteLine(line);

    /// <summary>
    /// A table that has never been analyzed has no statistics, and the planner then pages a 100k channel with a bitmap
    /// scan and a sort (~20 ms a page instead of ~0.1 ms). Autovacuum analyzes within its naptime; a test cannot wait.
    /// </summary>
    protected override async Task AfterBulkLoadAsync()
    {
        await using var command = fixture.DataSource.CreateCommand("ANALYZE messages");
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Append_ContentThePostgresTextTypeRefuses_IsNotReportedAsADuplicate()
    {
        var channel = new TestChannel();

        var exception = await Should.ThrowAsync<PostgresException>(() => Store.AppendAsync([channel.Next(content: "nul \0 inside")], CancellationToken.None));

        exception.SqlState.ShouldStartWith("22");
        (await Store.GetLastSeqAsync(channel.Id, CancellationToken.None)).ShouldBe(0);
    }

    [Fact]
    public async Task Copy_AndUnnest_StoreTheSameRows()
    {
        var store = fixture.Store;
        var viaCopy = new TestChannel();
        var viaUnnest = new TestChannel();
        var rows = viaCopy.NextMany(3).Select((m, n) => m with { Nonce = n == 0 ? null : "x", Mentions = n == 1 ? [1, 2] : [], EditedAt = n == 2 ? TestChannel.BaseTime : null, ReplyToId = n == 2 ? 9 : null }).ToList();

        await store.AppendWithCopyAsync(rows, CancellationToken.None);
        await store.AppendWithUnnestAsync([.. rows.Select(m => m with { ChannelId = viaUnnest.Id })], CancellationToken.None);

        foreach (var row in rows)
        {
            (await store.GetAsync(viaCopy.Id, row.Id, CancellationToken.None)).ShouldMatch(row);
            (await store.GetAsync(viaUnnest.Id, row.Id, CancellationToken.None)).ShouldMatch(row with { ChannelId = viaUnnest.Id });
        }

        await Should.ThrowAsync<DuplicateMessageException>(() => store.AppendWithCopyAsync(rows, CancellationToken.None));
    }

    /// <summary>Which batch insert to use: prints the figures, asserts nothing about speed.</summary>
    [Fact]
    public async Task Measure_CopyAgainstUnnest_ForGroupCommitBatchSizes()
    {
        var store = fixture.Store;
        foreach (var size in new[] { 1, 10, 50, 100, 150, 256 })
        {
            var rounds = Math.Max(20, 2_000 / size);
            var copy = TimeSpan.Zero;
            var unnest = TimeSpan.Zero;

            // Interleaved, after a warm-up round each, so neither method gets the colder cache or the emptier table.
            var copyChannel = new TestChannel();
            var unnestChannel = new TestChannel();
            await store.AppendWithCopyAsync(copyChannel.NextMany(size), CancellationToken.None);
            await store.AppendWithUnnestAsync(unnestChannel.NextMany(size), CancellationToken.None);
            for (var round = 0; round < rounds; round++)
            {
                var copyRows = copyChannel.NextMany(size);
                var unnestRows = unnestChannel.NextMany(size);
                var started = Stopwatch.GetTimestamp();
                await store.AppendWithCopyAsync(copyRows, CancellationToken.None);
                copy += Stopwatch.GetElapsedTime(started);
                started = Stopwatch.GetTimestamp();
                await store.AppendWithUnnestAsync(unnestRows, CancellationToken.None);
                unnest += Stopwatch.GetElapsedTime(started);
            }

            (await store.GetLastSeqAsync(copyChannel.Id, CancellationToken.None)).ShouldBe((rounds + 1) * size);
            (await store.GetLastSeqAsync(unnestChannel.Id, CancellationToken.None)).ShouldBe((rounds + 1) * size);
            output.WriteLine($"batch {size,3}: COPY {copy.TotalMilliseconds / rounds,7:0.000} ms/batch ({rounds * size / copy.TotalSeconds,9:0} rows/s)   unnest {unnest.TotalMilliseconds / rounds,7:0.000} ms/batch ({rounds * size / unnest.TotalSeconds,9:0} rows/s)");
        }
    }
}
