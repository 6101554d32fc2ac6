using Chaos.Ids;
using Chaos.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Chaos.Tests.Ids;

public sealed class SnowflakeTests
{
    [Fact]
    public void Ids_AreStrictlyIncreasing_AndCarryTheNode()
    {
        var generator = new SnowflakeIdGenerator(TimeProvider.System);
        generator.SetNode(513);
        var previous = 0L;
        for (var i = 0; i < 100_000; i++)
        {
            var id = generator.NextId();
            id.ShouldBeGreaterThan(previous);
            previous = id;
        }

        Snowflake.NodeOf(previous).ShouldBe(513);
        Snowflake.CreatedAt(previous).ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public void Ids_KeepIncreasing_WhenTheClockStepsBackwards()
    {
        var clock = new SteppingClock(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var generator = new SnowflakeIdGenerator(clock);
        generator.SetNode(1);
        var before = generator.NextId();
        clock.Now = clock.Now.AddSeconds(-5);
        var after = generator.NextId();
        after.ShouldBeGreaterThan(before);
    }

    [Fact]
    public void Ids_FromManyThreads_AreUnique()
    {
        var generator = new SnowflakeIdGenerator(TimeProvider.System);
        generator.SetNode(2);
        var ids = new System.Collections.Concurrent.ConcurrentBag<long>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                ids.Add(generator.NextId());
            }
        });
        ids.Distinct().Count().ShouldBe(160_000);
    }

    [Fact]
    public void NextId_BeforeANodeIsLeased_Throws() =>
        Should.Throw<InvalidOperationException>(() => new SnowflakeIdGenerator(TimeProvider.System).NextId());

    [Theory]
    [InlineData("1", true)]
    [InlineData("9223372036854775807", true)]
    [InlineData("9223372036854775808", false)]
    [InlineData("0", false)]
    [InlineData("-1", false)]
    [InlineData("+1", false)]
    [InlineData(" 1", false)]
    [InlineData("1e3", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("١٢٣", false)]
    public void TryParse_AcceptsOnlyPositiveDecimalIds(string? text, bool valid) => Snowflake.TryParse(text, out _).ShouldBe(valid);

    [Fact]
    public async Task NodeLeases_OfConcurrentProcesses_AreDistinct_AndReleasedOnStop()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var generators = Enumerable.Range(0, 8).Select(_ => new SnowflakeIdGenerator(TimeProvider.System)).ToList();
        var services = generators.Select(g => new NodeIdLeaseService(g, NullLogger<NodeIdLeaseService>.Instance, TimeProvider.System, dataSource)).ToList();
        await Task.WhenAll(services.Select(s => s.StartAsync(CancellationToken.None)));

        generators.Select(g => Snowflake.NodeOf(g.NextId())).Distinct().Count().ShouldBe(8);
        await using (var count = dataSource.CreateCommand("SELECT count(*) FROM chaos_node_leases"))
        {
            ((long)(await count.ExecuteScalarAsync())!).ShouldBe(8);
        }

        await Task.WhenAll(services.Select(s => s.StopAsync(CancellationToken.None)));
        await using (var count = dataSource.CreateCommand("SELECT count(*) FROM chaos_node_leases"))
        {
            ((long)(await count.ExecuteScalarAsync())!).ShouldBe(0);
        }
    }

    [Fact]
    public void LeasedNode_StopsIssuingIds_OnceTheLeaseMayHaveRunOut_AndResumesWhenRenewed()
    {
        var clock = new SteppingClock(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var generator = new SnowflakeIdGenerator(clock);
        generator.SetLeasedNode(3, clock.GetTimestamp(), TimeSpan.FromSeconds(90));
        generator.NextId();

        clock.Advance(TimeSpan.FromSeconds(84));
        generator.NextId();

        // Past the lease less the safety margin: another process may have the node now.
        clock.Advance(TimeSpan.FromSeconds(2));
        Should.Throw<Chaos.Errors.ChaosException>(() => generator.NextId()).Code.ShouldBe("unavailable");

        generator.ExtendLease(clock.GetTimestamp(), TimeSpan.FromSeconds(90));
        Snowflake.NodeOf(generator.NextId()).ShouldBe(3);
    }

    [Fact]
    public void StandaloneNode_NeverExpires()
    {
        var clock = new SteppingClock(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var generator = new SnowflakeIdGenerator(clock);
        generator.SetNode(0);
        clock.Advance(TimeSpan.FromDays(400));
        Snowflake.NodeOf(generator.NextId()).ShouldBe(0);
    }

    private sealed class SteppingClock(DateTimeOffset now) : TimeProvider
    {
        private long ticks = 1_000_000;

        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks;

        public void Advance(TimeSpan by)
        {
            ticks += by.Ticks;
            Now += by;
        }
    }
}
