using Chaos.Messages;
using Chaos.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Chaos.Tests.Messages;

[StartsEarly]
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

    /// <summary>
    /// Both batch inserts store every row at each batch size group commit produces. Which one is faster is measured in
    /// the benchmarks (<c>MessageStoreBenchmarks</c>), not here.
    /// </summary>
    [Fact]
    public async Task CopyAndUnnest_StoreEveryRow_AtEachGroupCommitBatchSize()
    {
        const int rounds = 4;
        var store = fixture.Store;
        foreach (var size in new[] { 1, 10, 50, 100, 150, 256 })
        {
            var copyChannel = new TestChannel();
            var unnestChannel = new TestChannel();
            for (var round = 0; round < rounds; round++)
            {
                await store.AppendWithCopyAsync(copyChannel.NextMany(size), CancellationToken.None);
                await store.AppendWithUnnestAsync(unnestChannel.NextMany(size), CancellationToken.None);
            }

            (await store.GetLastSeqAsync(copyChannel.Id, CancellationToken.None)).ShouldBe(rounds * size);
            (await store.GetLastSeqAsync(unnestChannel.Id, CancellationToken.None)).ShouldBe(rounds * size);
        }
    }
}
