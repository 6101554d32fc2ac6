using System.Data;
using System.Data.Common;
using System.Text;
using System.Text.RegularExpressions;
using static Chaos.Tests.Storage.OrleansParameter;

namespace Chaos.Tests.Storage;

/// <summary>
/// The contract of docs/architecture.md#orleans-on-postgresql, checked against 0001_orleans.sql on a real PostgreSQL: every stored query
/// is loaded by key and run with the parameters Orleans binds, and its result read the way Orleans reads it.
/// Every test works under its own deployment / service id, so tests sharing the class database never meet.
/// </summary>
public sealed class OrleansSqlContractTests(OrleansSqlDatabaseFixture database) : IClassFixture<OrleansSqlDatabaseFixture>
{
    private const int Active = 3;
    private const int Dead = 6;
    private const int Joining = 2;

    private static readonly string[] ClusteringKeys =
    [
        "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "InsertMembershipKey", "UpdateMembershipKey",
        "UpdateIAmAlivetimeKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
    ];

    private static readonly string[] PersistenceKeys = ["ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey"];

    private static readonly string[] ReminderKeys =
    [
        "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "UpsertReminderRowKey",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    private static readonly DateTime T0 = new(2026, 11, 23, 21, 4, 12, 291, DateTimeKind.Utc);

    private OrleansQueryRunner Orleans => database.Runner;

    // ---------------------------------------------------------------------------------------------
    // Bootstrap
    // ---------------------------------------------------------------------------------------------

    [Fact]
    public void OrleansQuery_HoldsEveryRequiredKey_SpelledExactly()
    {
        var keys = Orleans.Queries.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var key in ClusteringKeys.Concat(PersistenceKeys).Concat(ReminderKeys))
        {
            keys.ShouldContain(key);
        }

        // The odd lower-case "t" is what Orleans asks for; a "corrected" spelling would fail the startup check.
        keys.ShouldNotContain("UpdateIAmAliveTimeKey");
        keys.Count.ShouldBe(20);
    }

    [Fact]
    public void StoredQueries_KeepTheirParameterPlaceholders_AndHaveNoTransactionControl()
    {
        Orleans.Queries["MembershipReadAllKey"].ShouldContain("@DeploymentId");
        Orleans.Queries["WriteToStorageKey"].ShouldContain("@GrainStateVersion");
        Orleans.Queries["UpsertReminderRowKey"].ShouldContain("@GrainHash");
        foreach (var (key, text) in Orleans.Queries)
        {
            // Orleans runs each text as one command; transaction control inside it would fight the caller's.
            Regex.IsMatch(text, @"\b(BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION)\b", RegexOptions.IgnoreCase).ShouldBeFalse(key);
            text.ShouldNotContain("$q$", customMessage: key);
        }
    }

    [Fact]
    public async Task GrainStorageBootstrapSelect_FindsItsFourKeys()
    {
        // The persistence provider's own bootstrap SELECT, unquoted like Orleans sends it.
        var count = await database.ScalarAsync(
            "SELECT count(*) FROM OrleansQuery WHERE QueryKey = 'WriteToStorageKey' OR QueryKey = 'ReadFromStorageKey' " +
            "OR QueryKey = 'ClearStorageKey' OR QueryKey = 'DeleteStorageKey'");
        count.ShouldBe(4L);
    }

    [Fact]
    public async Task Schema_UsesLowerCaseNames_TimestamptzTimes_AndTheContractColumnTypes()
    {
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var connection = new Npgsql.NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT table_name, column_name, data_type FROM information_schema.columns " +
                "WHERE table_schema = 'public' AND lower(table_name) LIKE 'orleans%'",
                connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add($"{reader.GetString(0)}.{reader.GetString(1)}", reader.GetString(2));
            }
        }

        // Quoted mixed-case identifiers would be invisible to Orleans' unquoted bootstrap SELECT.
        columns.Keys.ShouldAllBe(name => name == name.ToLowerInvariant());
        columns.Keys.Select(name => name.Split('.')[0]).Distinct().Order(StringComparer.Ordinal).ShouldBe(
            ["orleansmembershiptable", "orleansmembershipversiontable", "orleansquery", "orleansreminderstable", "orleansstorage"]);
        foreach (var time in new[]
        {
            "orleansmembershipversiontable.timestamp", "orleansmembershiptable.starttime", "orleansmembershiptable.iamalivetime",
            "orleansstorage.modifiedon", "orleansreminderstable.starttime",
        })
        {
            columns[time].ShouldBe("timestamp with time zone", time);
        }

        columns["orleansreminderstable.grainid"].ShouldBe("text");
        columns["orleansreminderstable.grainhash"].ShouldBe("integer");
        columns["orleansreminderstable.period"].ShouldBe("bigint");
        columns["orleansreminderstable.version"].ShouldBe("integer");
        columns["orleansstorage.version"].ShouldBe("integer");
        columns["orleansstorage.payloadbinary"].ShouldBe("bytea");
        columns["orleansmembershipversiontable.version"].ShouldBe("integer");
    }

    // ---------------------------------------------------------------------------------------------
    // Clustering
    // ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task InsertMembershipVersion_InsertsOnce_ThenReturnsZero()
    {
        var deployment = NewId();

        (await Orleans.ReadSingleValueAsync("InsertMembershipVersionKey", Text("DeploymentId", deployment))).ShouldBe(1);
        (await Orleans.ReadSingleValueAsync("InsertMembershipVersionKey", Text("DeploymentId", deployment))).ShouldBe(0);

        (await ReadAllAsync(deployment)).ShouldHaveSingleItem().Version.ShouldBe(0);
    }

    [Fact]
    public async Task MembershipReadAll_WithNoSilos_ReturnsOneVersionRowWithNullStartTime()
    {
        var deployment = await NewDeploymentAsync();

        var row = (await ReadAllAsync(deployment)).ShouldHaveSingleItem();

        row.StartTime.ShouldBeNull();
        row.Address.ShouldBeNull();
        row.Version.ShouldBe(0);
    }

    [Fact]
    public async Task MembershipReadAll_OfUnknownDeployment_ReturnsNoRows()
    {
        (await ReadAllAsync(NewId())).ShouldBeEmpty();
    }

    [Fact]
    public async Task InsertMembership_WithCurrentVersion_InsertsTheSiloAndBumpsTheVersion()
    {
        var deployment = await NewDeploymentAsync();
        var silo = Silo("10.0.0.1", 11111, 154472611, proxyPort: 30000);

        (await InsertSiloAsync(deployment, silo, version: 0)).ShouldBe(1);

        var row = (await ReadAllAsync(deployment)).ShouldHaveSingleItem();
        row.Address.ShouldBe("10.0.0.1");
        row.Port.ShouldBe(11111);
        row.Generation.ShouldBe(154472611);
        row.SiloName.ShouldBe(silo.SiloName);
        row.HostName.ShouldBe("host-a");
        row.Status.ShouldBe(Joining);
        row.ProxyPort.ShouldBe(30000);
        row.SuspectTimes.ShouldBeNull();
        row.StartTime.ShouldBe(T0);
        row.StartTime!.Value.Kind.ShouldBe(DateTimeKind.Utc);
        row.IAmAliveTime.ShouldBe(T0.AddSeconds(1));
        row.Version.ShouldBe(1);
    }

    [Fact]
    public async Task InsertMembership_WithStaleVersion_ReturnsZeroAndInsertsNothing()
    {
        var deployment = await NewDeploymentAsync();
        (await InsertSiloAsync(deployment, Silo("10.0.0.1", 11111, 1), version: 0)).ShouldBe(1);

        (await InsertSiloAsync(deployment, Silo("10.0.0.2", 11111, 1), version: 0)).ShouldBe(0);

        var rows = await ReadAllAsync(deployment);
        rows.ShouldHaveSingleItem().Address.ShouldBe("10.0.0.1");
        rows[0].Version.ShouldBe(1);
    }

    [Fact]
    public async Task InsertMembership_OfExistingSilo_ReturnsZeroAndKeepsVersion()
    {
        var deployment = await NewDeploymentAsync();
        var silo = Silo("10.0.0.1", 11111, 1);
        (await InsertSiloAsync(deployment, silo, version: 0)).ShouldBe(1);

        (await InsertSiloAsync(deployment, silo with { HostName = "other" }, version: 1)).ShouldBe(0);

        var row = (await ReadAllAsync(deployment)).ShouldHaveSingleItem();
        row.HostName.ShouldBe("host-a");
        row.Version.ShouldBe(1);
    }

    [Fact]
    public async Task InsertMembership_WithoutVersionRow_ReturnsZeroAndInsertsNothing()
    {
        var deployment = NewId();

        (await InsertSiloAsync(deployment, Silo("10.0.0.1", 11111, 1), version: 0)).ShouldBe(0);

        var silos = await database.ScalarAsync("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @d", ("d", deployment));
        silos.ShouldBe(0L);
    }

    [Fact]
    public async Task InsertMembership_RacingWithTheSameVersion_LetsExactlyOneWin()
    {
        var deployment = await NewDeploymentAsync();
        var attempts = Enumerable.Range(1, 8).Select(i => SiloParameters(deployment, Silo($"10.0.1.{i}", 11111, i), version: 0)).ToArray();

        var results = await RaceAsync("InsertMembershipKey", attempts);

        results.Count(r => r == 1).ShouldBe(1);
        results.Count(r => r == 0).ShouldBe(attempts.Length - 1);
        var rows = await ReadAllAsync(deployment);
        rows.ShouldHaveSingleItem().Version.ShouldBe(1);
    }

    [Fact]
    public async Task MembershipReadAll_ReturnsEverySiloCarryingTheTableVersion()
    {
        var deployment = await NewDeploymentAsync();
        (await InsertSiloAsync(deployment, Silo("10.0.0.1", 11111, 1), version: 0)).ShouldBe(1);
        (await InsertSiloAsync(deployment, Silo("10.0.0.2", 11111, 1), version: 1)).ShouldBe(1);
        var other = await NewDeploymentAsync();
        (await InsertSiloAsync(other, Silo("10.0.0.3", 11111, 1), version: 0)).ShouldBe(1);

        var rows = await ReadAllAsync(deployment);

        rows.Select(r => r.Address).Order(StringComparer.Ordinal).ShouldBe(["10.0.0.1", "10.0.0.2"]);
        rows.ShouldAllBe(r => r.Version == 2);
    }

    [Fact]
    public async Task MembershipReadRow_ReturnsOnlyThatSilo_OrTheBareVersionRow()
    {
        var deployment = await NewDeploymentAsync();
        (await InsertSiloAsync(deployment, Silo("10.0.0.1", 11111, 1), version: 0)).ShouldBe(1);
        (await InsertSiloAsync(deployment, Silo("10.0.0.1", 11111, 2), version: 1)).ShouldBe(1);

        var row = (await ReadRowAsync(deployment, "10.0.0.1", 11111, 2)).ShouldHaveSingleItem();
        row.Generation.ShouldBe(2);
        row.Version.ShouldBe(2);

        var missing = (await ReadRowAsync(deployment, "10.0.0.1", 11112, 1)).ShouldHaveSingleItem();
        missing.StartTime.ShouldBeNull();
        missing.Version.ShouldBe(2);
    }

    [Fact]
    public async Task UpdateMembership_WithCurrentVersion_UpdatesTheSiloAndBumpsTheVersion()
    {
        var deployment = await NewDeploymentAsync();
        (await InsertSiloAsync(deployment, Silo("10.0.0.1", 11111, 1), version: 0)).ShouldBe(1);
        const string suspects = "127.0.0.1:11112@154472611,2026-11-23 21:04:12.291 GMT|127.0.0.1:11113@154472612,2026-11-23 21:04:13.001 GMT";

        (await UpdateSiloAsync(deployment, "10.0.0.1", 11111, 1, Active, suspects, T0.AddMinutes(1), version: 1)).ShouldBe(1);

        var row = (await ReadAllAsync(deployment)).ShouldHaveSingleItem();
        row.Status.ShouldBe(Active);
        row.SuspectTimes.ShouldBe(suspects);
        row.IAmAliveTime.ShouldBe(T0.AddMinutes(1));
        row.StartTime.ShouldBe(T0);
        row.Version.ShouldBe(2);

        (await UpdateSiloAsync(deployment, "10.0.0.1", 11111, 1, Dead, null, T0.AddMinutes(2), version: 2)).ShouldBe(1);
        row = (await ReadAllAsync(deployment)).ShouldHaveSingleItem();
        row.Status.ShouldBe(Dead);
        row.SuspectTimes.ShouldBeNull();
        row.Version.ShouldBe(3);
    }

    [Fact]
    public async Task UpdateMembership_RacingWithTheSameVersion_LetsExactlyOneWin()
    {
        var deployment = await NewDeploymentAsync();
        (await InsertSiloAsync(deployment, Silo("10.0.0.1", 11111, 1), version: 0)).ShouldBe(1);
        (await InsertSiloAsync(deployment, Silo("10.0.0.2", 11111, 1), version: 1)).ShouldBe(1);
        var attempts = Enumerable.Range(0, 8).Select(i => new[]
        {
            Text("DeploymentId", deployment), Text("Address", i % 2 == 0 ? "10.0.0.1" : "10.0.0.2"), Int("Port", 11111), Int("Generation", 1),
            Int("Status", Active), Text("SuspectTimes", null), Time("IAmAliveTime", T0.AddMinutes(i + 1)), Int("Version", 2),
        }).ToArray();

        var results = await RaceAsync("UpdateMembershipKey", attempts);

        results.Count(r => r == 1).ShouldBe(1);
        results.Count(r => r == 0).ShouldBe(attempts.Length - 1);
        var rows = await ReadAllAsync(deployment);
        rows.ShouldAllBe(r => r.Version == 3);
        rows.Count(r => r.Status == Active).ShouldBe(1);
    }

    [Fact]
    public async Task UpdateMembership_WithStaleVersion_ReturnsZeroAndChangesNothing()
    {
        var deployment = await NewDeploymentAsync();
        (await InsertSiloAsync(deployment, Silo("10.0.0.1", 11111, 1), version: 0)).ShouldBe(1);

        (await UpdateSiloAsync(deployment, "10.0.0.1", 11111, 1, Dead, "x", T0.AddMinutes(1), version: 0)).ShouldBe(0);

        var row = (await ReadAllAsync(deployment)).ShouldHaveSingleItem();
        row.Status.ShouldBe(Joining);
        row.SuspectTimes.ShouldBeNull();
        row.IAmAliveTime.ShouldBe(T0.AddSeconds(1));
        row.Version.ShouldBe(1);
    }

    [Fact]
    public async Task UpdateMembership_OfMissingSilo_ReturnsZeroAndKeepsVersion()
    {
        var deployment = await NewDeploymentAsync();
        (await InsertSiloAsync(deployment, Silo("10.0.0.1", 11111, 1), version: 0)).ShouldBe(1);

        (await UpdateSiloAsync(deployment, "10.0.0.1", 11111, 99, Dead, null, T0, version: 1)).ShouldBe(0);

        (await ReadAllAsync(deployment)).ShouldHaveSingleItem().Version.ShouldBe(1);
    }

    [Fact]
    public async Task UpdateIAmAlive_MovesTheHeartbeat_WithoutBumpingTheVersion()
    {
        var deployment = await NewDeploymentAsync();
        (await InsertSiloAsync(deployment, Silo("10.0.0.1", 11111, 1), version: 0)).ShouldBe(1);
        (await InsertSiloAsync(deployment, Silo("10.0.0.2", 11111, 1), version: 1)).ShouldBe(1);

        await Orleans.ExecuteNonQueryAsync(
            "UpdateIAmAlivetimeKey",
            Text("DeploymentId", deployment), Text("Address", "10.0.0.1"), Int("Port", 11111), Int("Generation", 1),
            Time("IAmAliveTime", T0.AddHours(1)));

        var rows = (await ReadAllAsync(deployment)).ToDictionary(r => r.Address!, StringComparer.Ordinal);
        rows["10.0.0.1"].IAmAliveTime.ShouldBe(T0.AddHours(1));
        rows["10.0.0.2"].IAmAliveTime.ShouldBe(T0.AddSeconds(1));
        rows.Values.ShouldAllBe(r => r.Version == 2);
    }

    [Fact]
    public async Task Gateways_AreOnlyActiveSilosWithAProxyPort()
    {
        var deployment = await NewDeploymentAsync();
        var version = 0;
        foreach (var (address, status, proxyPort) in new[] { ("10.0.0.1", Active, 30000), ("10.0.0.2", Active, 0), ("10.0.0.3", Dead, 30000), ("10.0.0.4", Joining, 30000), ("10.0.0.5", Active, 30001) })
        {
            (await InsertSiloAsync(deployment, Silo(address, 11111, 7, proxyPort) with { Status = status }, version++)).ShouldBe(1);
        }

        var other = await NewDeploymentAsync();
        (await InsertSiloAsync(other, Silo("10.0.0.9", 11111, 7, 30000) with { Status = Active }, 0)).ShouldBe(1);

        var gateways = await Orleans.ReadAsync(
            "GatewaysQueryKey",
            r => (Address: (string)r.GetValue(r.GetOrdinal("Address")), ProxyPort: r.GetInt32(r.GetOrdinal("ProxyPort")), Generation: r.GetInt32(r.GetOrdinal("Generation"))),
            Text("DeploymentId", deployment), Int("Status", Active));

        gateways.OrderBy(g => g.Address, StringComparer.Ordinal).ShouldBe([("10.0.0.1", 30000, 7), ("10.0.0.5", 30001, 7)]);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_DeletesOnlyOldRowsThatAreNotActive()
    {
        var deployment = await NewDeploymentAsync();
        var cutoff = T0.AddHours(1);
        var version = 0;
        foreach (var (address, status, aliveAt) in new[]
        {
            ("10.0.0.1", Dead, cutoff.AddMinutes(-5)),    // old and dead: purged
            ("10.0.0.2", Joining, cutoff.AddMinutes(-5)), // old and never became active: purged
            ("10.0.0.3", Active, cutoff.AddMinutes(-5)),  // old but Active: kept
            ("10.0.0.4", Dead, cutoff.AddMinutes(5)),     // dead but recent: kept
            ("10.0.0.5", Dead, cutoff),                   // exactly at the cut-off is not older: kept
        })
        {
            (await InsertSiloAsync(deployment, Silo(address, 11111, 1) with { Status = status, IAmAliveTime = aliveAt }, version++)).ShouldBe(1);
        }

        var other = await NewDeploymentAsync();
        (await InsertSiloAsync(other, Silo("10.0.0.1", 11111, 1) with { Status = Dead, IAmAliveTime = cutoff.AddDays(-1) }, 0)).ShouldBe(1);

        await Orleans.ExecuteNonQueryAsync("CleanupDefunctSiloEntriesKey", Text("DeploymentId", deployment), Time("IAmAliveTime", cutoff));

        (await ReadAllAsync(deployment)).Select(r => r.Address).Order(StringComparer.Ordinal).ShouldBe(["10.0.0.3", "10.0.0.4", "10.0.0.5"]);
        (await ReadAllAsync(other)).ShouldHaveSingleItem().Address.ShouldBe("10.0.0.1");
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_RemovesSilosAndVersionRowOfThatDeploymentOnly()
    {
        var deployment = await NewDeploymentAsync();
        (await InsertSiloAsync(deployment, Silo("10.0.0.1", 11111, 1), 0)).ShouldBe(1);
        (await InsertSiloAsync(deployment, Silo("10.0.0.2", 11111, 1), 1)).ShouldBe(1);
        var other = await NewDeploymentAsync();
        (await InsertSiloAsync(other, Silo("10.0.0.1", 11111, 1), 0)).ShouldBe(1);

        await Orleans.ExecuteNonQueryAsync("DeleteMembershipTableEntriesKey", Text("DeploymentId", deployment));

        (await ReadAllAsync(deployment)).ShouldBeEmpty();
        (await ReadAllAsync(other)).ShouldHaveSingleItem().Address.ShouldBe("10.0.0.1");
        (await Orleans.ReadSingleValueAsync("InsertMembershipVersionKey", Text("DeploymentId", deployment))).ShouldBe(1);
        (await ReadAllAsync(deployment)).ShouldHaveSingleItem().Version.ShouldBe(0);
    }

    // ---------------------------------------------------------------------------------------------
    // Grain persistence
    // ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task ReadFromStorage_OfMissingState_ReturnsNoRows()
    {
        (await ReadStateAsync(GuidKey(NewId()))).ShouldBeEmpty();
    }

    [Fact]
    public async Task WriteToStorage_WithoutVersion_InsertsVersionOne()
    {
        var key = GuidKey(NewId());

        (await WriteStateAsync(key, null, "first")).ShouldBe(1);

        var state = (await ReadStateAsync(key)).ShouldHaveSingleItem();
        Decode(state.Payload).ShouldBe("first");
        state.Version.ShouldBe(1);
    }

    [Fact]
    public async Task WriteToStorage_WithoutVersion_WhenTheRowExists_ReturnsNullAndAddsNoRow()
    {
        var key = GuidKey(NewId());
        (await WriteStateAsync(key, null, "first")).ShouldBe(1);

        (await WriteStateAsync(key, null, "second")).ShouldBeNull();

        (await CountStateRowsAsync(key.ServiceId)).ShouldBe(1);
        var state = (await ReadStateAsync(key)).ShouldHaveSingleItem();
        Decode(state.Payload).ShouldBe("first");
        state.Version.ShouldBe(1);
    }

    [Fact]
    public async Task WriteToStorage_WithCurrentVersion_StoresThePayloadAndReturnsTheNextVersion()
    {
        var key = GuidKey(NewId());
        (await WriteStateAsync(key, null, "v1")).ShouldBe(1);

        (await WriteStateAsync(key, 1, "v2")).ShouldBe(2);
        (await WriteStateAsync(key, 2, "v3")).ShouldBe(3);

        var state = (await ReadStateAsync(key)).ShouldHaveSingleItem();
        Decode(state.Payload).ShouldBe("v3");
        state.Version.ShouldBe(3);
    }

    [Fact]
    public async Task WriteToStorage_WithStaleVersion_ReturnsTheSentVersionAndChangesNothing()
    {
        var key = GuidKey(NewId());
        (await WriteStateAsync(key, null, "v1")).ShouldBe(1);
        (await WriteStateAsync(key, 1, "v2")).ShouldBe(2);

        (await WriteStateAsync(key, 1, "stale")).ShouldBe(1);

        var state = (await ReadStateAsync(key)).ShouldHaveSingleItem();
        Decode(state.Payload).ShouldBe("v2");
        state.Version.ShouldBe(2);
    }

    [Fact]
    public async Task WriteToStorage_WithVersion_WhenNoRowExists_ReturnsTheSentVersionAndInsertsNothing()
    {
        var key = GuidKey(NewId());

        (await WriteStateAsync(key, 4, "ghost")).ShouldBe(4);

        (await ReadStateAsync(key)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ClearStorage_WithCurrentVersion_NullsThePayloadKeepsTheRowAndBumpsTheVersion()
    {
        var key = GuidKey(NewId());
        (await WriteStateAsync(key, null, "v1")).ShouldBe(1);

        var cleared = await ClearOrDeleteAsync("ClearStorageKey", key, 1);

        cleared.ShouldHaveSingleItem().ShouldBe(2);
        var state = (await ReadStateAsync(key)).ShouldHaveSingleItem();
        state.Payload.ShouldBeNull();
        state.Version.ShouldBe(2);

        // A cleared state keeps its ETag, so the next write takes the update path from it.
        (await WriteStateAsync(key, 2, "again")).ShouldBe(3);
        (await CountStateRowsAsync(key.ServiceId)).ShouldBe(1);
    }

    [Fact]
    public async Task ClearStorage_WithStaleVersion_ReturnsNoRowAndChangesNothing()
    {
        var key = GuidKey(NewId());
        (await WriteStateAsync(key, null, "v1")).ShouldBe(1);
        (await WriteStateAsync(key, 1, "v2")).ShouldBe(2);

        (await ClearOrDeleteAsync("ClearStorageKey", key, 1)).ShouldBeEmpty();

        var state = (await ReadStateAsync(key)).ShouldHaveSingleItem();
        Decode(state.Payload).ShouldBe("v2");
        state.Version.ShouldBe(2);
    }

    [Fact]
    public async Task DeleteStorage_WithCurrentVersion_RemovesTheRowAndReturnsAnotherVersion()
    {
        var key = GuidKey(NewId());
        (await WriteStateAsync(key, null, "v1")).ShouldBe(1);
        (await WriteStateAsync(key, 1, "v2")).ShouldBe(2);

        var deleted = (await ClearOrDeleteAsync("DeleteStorageKey", key, 2)).ShouldHaveSingleItem();

        deleted.ShouldNotBe(2);
        (await ReadStateAsync(key)).ShouldBeEmpty();

        // Orleans drops the ETag after a delete, so the next write takes the insert path and must succeed.
        (await WriteStateAsync(key, null, "reborn")).ShouldBe(1);
    }

    [Fact]
    public async Task DeleteStorage_WithStaleVersion_ReturnsNoRowAndKeepsTheRow()
    {
        var key = GuidKey(NewId());
        (await WriteStateAsync(key, null, "v1")).ShouldBe(1);
        (await WriteStateAsync(key, 1, "v2")).ShouldBe(2);

        (await ClearOrDeleteAsync("DeleteStorageKey", key, 1)).ShouldBeEmpty();

        var state = (await ReadStateAsync(key)).ShouldHaveSingleItem();
        Decode(state.Payload).ShouldBe("v2");
        state.Version.ShouldBe(2);
    }

    [Fact]
    public async Task Storage_KeepsStringKeysLongKeysAndGuidKeysApart()
    {
        var service = NewId();
        // String key "42", long key 42, long key 42 with extension "42", and the same N0/N1 under a Guid layout.
        var stringKey = new GrainKey(service, "counter", 0, 0, "42");
        var longKey = new GrainKey(service, "counter", 0, 42, null);
        var compoundKey = new GrainKey(service, "counter", 0, 42, "42");
        var guidKey = new GrainKey(service, "counter", 42, 0, null);

        (await WriteStateAsync(stringKey, null, "string")).ShouldBe(1);
        (await WriteStateAsync(longKey, null, "long")).ShouldBe(1);
        (await WriteStateAsync(compoundKey, null, "compound")).ShouldBe(1);
        (await WriteStateAsync(guidKey, null, "guid")).ShouldBe(1);
        (await WriteStateAsync(longKey, 1, "long-2")).ShouldBe(2);

        Decode((await ReadStateAsync(stringKey)).ShouldHaveSingleItem().Payload).ShouldBe("string");
        Decode((await ReadStateAsync(longKey)).ShouldHaveSingleItem().Payload).ShouldBe("long-2");
        Decode((await ReadStateAsync(compoundKey)).ShouldHaveSingleItem().Payload).ShouldBe("compound");
        Decode((await ReadStateAsync(guidKey)).ShouldHaveSingleItem().Payload).ShouldBe("guid");
        (await CountStateRowsAsync(service)).ShouldBe(4);
    }

    [Fact]
    public async Task Storage_KeepsServiceIdsAndStateNamesApart()
    {
        var key = GuidKey(NewId());
        var otherService = key with { ServiceId = NewId() };
        var otherStateName = key with { TypeString = "profile" };

        (await WriteStateAsync(key, null, "mine")).ShouldBe(1);
        (await ReadStateAsync(otherService)).ShouldBeEmpty();
        (await ReadStateAsync(otherStateName)).ShouldBeEmpty();

        (await WriteStateAsync(otherService, null, "theirs")).ShouldBe(1);
        (await WriteStateAsync(otherStateName, null, "profile")).ShouldBe(1);
        (await ClearOrDeleteAsync("ClearStorageKey", otherService, 1)).ShouldHaveSingleItem().ShouldBe(2);

        Decode((await ReadStateAsync(key)).ShouldHaveSingleItem().Payload).ShouldBe("mine");
        Decode((await ReadStateAsync(otherStateName)).ShouldHaveSingleItem().Payload).ShouldBe("profile");
        (await ReadStateAsync(otherService)).ShouldHaveSingleItem().Payload.ShouldBeNull();
    }

    [Fact]
    public async Task Storage_TreatsNullAndEmptyExtensionAsOneIdentity()
    {
        // The unique index folds NULL and '' together (COALESCE), so the queries must too; otherwise a read would
        // find nothing while every insert conflicts, and that grain could never save again.
        var withNull = new GrainKey(NewId(), "counter", 7, 7, null);
        var withEmpty = withNull with { Extension = string.Empty };
        var withText = withNull with { Extension = "ext" };

        (await WriteStateAsync(withNull, null, "null-ext")).ShouldBe(1);

        Decode((await ReadStateAsync(withEmpty)).ShouldHaveSingleItem().Payload).ShouldBe("null-ext");
        (await WriteStateAsync(withEmpty, null, "empty-ext")).ShouldBeNull();
        (await WriteStateAsync(withEmpty, 1, "empty-ext")).ShouldBe(2);
        (await ReadStateAsync(withText)).ShouldBeEmpty();
        (await WriteStateAsync(withText, null, "text-ext")).ShouldBe(1);

        Decode((await ReadStateAsync(withNull)).ShouldHaveSingleItem().Payload).ShouldBe("empty-ext");
        (await CountStateRowsAsync(withNull.ServiceId)).ShouldBe(2);
    }

    [Fact]
    public async Task Storage_MatchesOnIdentity_NotOnTheHashes()
    {
        // The hashes depend on the configured hasher; a row written under another hasher must stay reachable.
        var key = GuidKey(NewId());
        (await WriteStateAsync(key, null, "v1")).ShouldBe(1);
        var rehashed = key with { IdHash = key.IdHash + 1, TypeHash = key.TypeHash + 1 };

        Decode((await ReadStateAsync(rehashed)).ShouldHaveSingleItem().Payload).ShouldBe("v1");
        (await WriteStateAsync(rehashed, null, "dup")).ShouldBeNull();
        (await WriteStateAsync(rehashed, 1, "v2")).ShouldBe(2);
        (await CountStateRowsAsync(key.ServiceId)).ShouldBe(1);
    }

    [Fact]
    public async Task WriteToStorage_ConcurrentFirstWrites_LeaveExactlyOneRow()
    {
        var service = NewId();
        for (var round = 0; round < 5; round++)
        {
            var key = new GrainKey(service, "counter", round, round, round % 2 == 0 ? null : "ext");
            var attempts = Enumerable.Range(0, 8).Select(i => WriteParameters(key, null, $"writer-{i}")).ToArray();

            var results = await RaceAsync("WriteToStorageKey", attempts, nullAs: -1);

            results.Count(r => r == 1).ShouldBe(1, $"round {round}");
            results.Count(r => r == -1).ShouldBe(attempts.Length - 1, $"round {round}");
            (await ReadStateAsync(key)).ShouldHaveSingleItem().Version.ShouldBe(1);
        }

        (await CountStateRowsAsync(service)).ShouldBe(5);
    }

    // ---------------------------------------------------------------------------------------------
    // Reminders
    // ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task UpsertReminderRow_InsertsAtVersionZero_ThenIncrementsAndUpdates()
    {
        var service = NewId();

        (await UpsertReminderAsync(service, "counter/alice", "tick", T0, TimeSpan.FromMinutes(1), grainHash: -5)).ShouldBe(0);
        var first = (await ReadReminderAsync(service, "counter/alice", "tick")).ShouldHaveSingleItem();
        first.StartTime.ShouldBe(T0);
        first.StartTime.Kind.ShouldBe(DateTimeKind.Utc);
        first.Period.ShouldBe(60_000L);
        first.Version.ShouldBe(0);

        // A period above int.MaxValue milliseconds goes as a long.
        var longPeriod = TimeSpan.FromDays(30);
        (await UpsertReminderAsync(service, "counter/alice", "tick", T0.AddHours(1), longPeriod, grainHash: 77)).ShouldBe(1);

        var second = (await ReadReminderAsync(service, "counter/alice", "tick")).ShouldHaveSingleItem();
        second.GrainId.ShouldBe("counter/alice");
        second.ReminderName.ShouldBe("tick");
        second.StartTime.ShouldBe(T0.AddHours(1));
        second.Period.ShouldBe((long)longPeriod.TotalMilliseconds);
        second.Version.ShouldBe(1);
        (await RangeAsync("ReadRangeRows1Key", service, 76, 77)).ShouldHaveSingleItem().ReminderName.ShouldBe("tick");
        (await RangeAsync("ReadRangeRows1Key", service, -6, -5)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ReadReminderRows_ReturnsAllRemindersOfThatGrainOnly()
    {
        var service = NewId();
        (await UpsertReminderAsync(service, "counter/alice", "a", T0, TimeSpan.FromMinutes(1), 1)).ShouldBe(0);
        (await UpsertReminderAsync(service, "counter/alice", "b", T0, TimeSpan.FromMinutes(2), 1)).ShouldBe(0);
        (await UpsertReminderAsync(service, "counter/bob", "a", T0, TimeSpan.FromMinutes(1), 2)).ShouldBe(0);
        (await UpsertReminderAsync(NewId(), "counter/alice", "c", T0, TimeSpan.FromMinutes(1), 1)).ShouldBe(0);

        var rows = await Orleans.ReadAsync("ReadReminderRowsKey", ReadReminder, Text("ServiceId", service), Text("GrainId", "counter/alice"));

        rows.Select(r => r.ReminderName).Order(StringComparer.Ordinal).ShouldBe(["a", "b"]);
        rows.ShouldAllBe(r => r.GrainId == "counter/alice");
    }

    [Fact]
    public async Task ReadReminderRow_ReturnsTheOneReminder_OrNoRow()
    {
        var service = NewId();
        (await UpsertReminderAsync(service, "counter/alice", "a", T0, TimeSpan.FromMinutes(1), 1)).ShouldBe(0);
        (await UpsertReminderAsync(service, "counter/alice", "b", T0, TimeSpan.FromMinutes(2), 1)).ShouldBe(0);

        (await ReadReminderAsync(service, "counter/alice", "b")).ShouldHaveSingleItem().Period.ShouldBe(120_000L);
        (await ReadReminderAsync(service, "counter/alice", "zzz")).ShouldBeEmpty();
        (await ReadReminderAsync(service, "counter/bob", "a")).ShouldBeEmpty();
    }

    [Fact]
    public async Task DeleteReminderRow_DeletesOnlyWithTheCurrentVersion()
    {
        var service = NewId();
        (await UpsertReminderAsync(service, "counter/alice", "tick", T0, TimeSpan.FromMinutes(1), 1)).ShouldBe(0);
        (await UpsertReminderAsync(service, "counter/alice", "tick", T0, TimeSpan.FromMinutes(1), 1)).ShouldBe(1);

        (await DeleteReminderAsync(service, "counter/alice", "tick", version: 0)).ShouldBe(0);
        (await ReadReminderAsync(service, "counter/alice", "tick")).ShouldHaveSingleItem();

        (await DeleteReminderAsync(service, "counter/alice", "tick", version: 1)).ShouldBe(1);
        (await ReadReminderAsync(service, "counter/alice", "tick")).ShouldBeEmpty();

        (await DeleteReminderAsync(service, "counter/alice", "tick", version: 1)).ShouldBe(0);
    }

    [Fact]
    public async Task DeleteReminderRows_DeletesEveryReminderOfThatServiceOnly()
    {
        var service = NewId();
        var other = NewId();
        (await UpsertReminderAsync(service, "counter/alice", "a", T0, TimeSpan.FromMinutes(1), 1)).ShouldBe(0);
        (await UpsertReminderAsync(service, "counter/bob", "b", T0, TimeSpan.FromMinutes(1), 2)).ShouldBe(0);
        (await UpsertReminderAsync(other, "counter/alice", "a", T0, TimeSpan.FromMinutes(1), 1)).ShouldBe(0);

        await Orleans.ExecuteNonQueryAsync("DeleteReminderRowsKey", Text("ServiceId", service));

        (await RangeAsync("ReadRangeRows2Key", service, 0, 0)).ShouldBeEmpty();
        (await RangeAsync("ReadRangeRows2Key", other, 0, 0)).ShouldHaveSingleItem().GrainId.ShouldBe("counter/alice");
    }

    [Fact]
    public async Task ReadRangeRows1_SelectsHashesAboveBeginUpToEnd_ComparingSigned()
    {
        var service = await SeedHashesAsync(int.MinValue, -1001, -1000, -999, -1, 0, 1, 2, 1000, int.MaxValue);
        (await UpsertReminderAsync(NewId(), "other/0", "r", T0, TimeSpan.FromMinutes(1), 0)).ShouldBe(0);

        (await RangeHashesAsync("ReadRangeRows1Key", service, -1000, 1)).ShouldBe([-999, -1, 0, 1]);
        (await RangeHashesAsync("ReadRangeRows1Key", service, int.MinValue, -1000)).ShouldBe([-1001, -1000]);
        (await RangeHashesAsync("ReadRangeRows1Key", service, 1000, int.MaxValue)).ShouldBe([int.MaxValue]);
        (await RangeHashesAsync("ReadRangeRows1Key", service, -2000, -1500)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ReadRangeRows2_SelectsTheWrappingRange()
    {
        var service = await SeedHashesAsync(int.MaxValue - 11, int.MaxValue - 10, int.MaxValue - 9, int.MaxValue, int.MinValue, int.MinValue + 10, int.MinValue + 11, -1, 0, 5);
        (await UpsertReminderAsync(NewId(), "other/max", "r", T0, TimeSpan.FromMinutes(1), int.MaxValue)).ShouldBe(0);

        (await RangeHashesAsync("ReadRangeRows2Key", service, int.MaxValue - 10, int.MinValue + 10))
            .ShouldBe([int.MinValue, int.MinValue + 10, int.MaxValue - 9, int.MaxValue]);

        // (int)begin >= (int)end also covers ranges wrapping through zero in signed order: (5, -1].
        (await RangeHashesAsync("ReadRangeRows2Key", service, 5, -1))
            .ShouldBe([int.MinValue, int.MinValue + 10, int.MinValue + 11, -1, int.MaxValue - 11, int.MaxValue - 10, int.MaxValue - 9, int.MaxValue]);

        // begin == end is the whole ring.
        (await RangeHashesAsync("ReadRangeRows2Key", service, 0, 0)).Count.ShouldBe(10);
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers: membership
    // ---------------------------------------------------------------------------------------------

    private static string NewId() => Guid.NewGuid().ToString("N");

    private async Task<string> NewDeploymentAsync()
    {
        var deployment = NewId();
        (await Orleans.ReadSingleValueAsync("InsertMembershipVersionKey", Text("DeploymentId", deployment))).ShouldBe(1);
        return deployment;
    }

    private static SiloEntry Silo(string address, int port, int generation, int proxyPort = 0) =>
        new(address, port, generation, $"Silo_{address}_{generation}", "host-a", Joining, proxyPort, T0, T0.AddSeconds(1));

    private static OrleansParameter[] SiloParameters(string deployment, SiloEntry silo, int version) =>
    [
        Text("DeploymentId", deployment), Text("Address", silo.Address), Int("Port", silo.Port), Int("Generation", silo.Generation),
        Text("SiloName", silo.SiloName), Text("HostName", silo.HostName), Int("Status", silo.Status), Int("ProxyPort", silo.ProxyPort),
        Time("StartTime", silo.StartTime), Time("IAmAliveTime", silo.IAmAliveTime), Int("Version", version),
    ];

    private Task<int> InsertSiloAsync(string deployment, SiloEntry silo, int version) =>
        Orleans.ReadSingleValueAsync("InsertMembershipKey", SiloParameters(deployment, silo, version));

    private Task<int> UpdateSiloAsync(string deployment, string address, int port, int generation, int status, string? suspectTimes, DateTime iAmAlive, int version) =>
        Orleans.ReadSingleValueAsync(
            "UpdateMembershipKey",
            Text("DeploymentId", deployment), Text("Address", address), Int("Port", port), Int("Generation", generation),
            Int("Status", status), Text("SuspectTimes", suspectTimes), Time("IAmAliveTime", iAmAlive), Int("Version", version));

    private Task<List<MembershipRow>> ReadAllAsync(string deployment) =>
        Orleans.ReadAsync("MembershipReadAllKey", ReadMembershipRow, Text("DeploymentId", deployment));

    private Task<List<MembershipRow>> ReadRowAsync(string deployment, string address, int port, int generation) =>
        Orleans.ReadAsync(
            "MembershipReadRowKey", ReadMembershipRow,
            Text("DeploymentId", deployment), Text("Address", address), Int("Port", port), Int("Generation", generation));

    /// <summary>Reads a membership row as Orleans does: by name, StartTime deciding whether a silo is present.</summary>
    private static MembershipRow ReadMembershipRow(DbDataReader r)
    {
        var version = Convert.ToInt32(r.GetValue(r.GetOrdinal("Version")), System.Globalization.CultureInfo.InvariantCulture);
        var startOrdinal = r.GetOrdinal("StartTime");
        if (r.IsDBNull(startOrdinal))
        {
            return new MembershipRow(null, null, null, null, null, null, null, null, null, null, version);
        }

        var suspectOrdinal = r.GetOrdinal("SuspectTimes");
        return new MembershipRow(
            (string)r.GetValue(r.GetOrdinal("Address")),
            r.GetInt32(r.GetOrdinal("Port")),
            r.GetInt32(r.GetOrdinal("Generation")),
            (string)r.GetValue(r.GetOrdinal("SiloName")),
            (string)r.GetValue(r.GetOrdinal("HostName")),
            r.GetInt32(r.GetOrdinal("Status")),
            r.GetInt32(r.GetOrdinal("ProxyPort")),
            r.IsDBNull(suspectOrdinal) ? null : (string)r.GetValue(suspectOrdinal),
            r.GetDateTime(startOrdinal),
            r.GetDateTime(r.GetOrdinal("IAmAliveTime")),
            version);
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers: grain persistence
    // ---------------------------------------------------------------------------------------------

    private static GrainKey GuidKey(string serviceId) => new(serviceId, "counter", 0x0102030405060708, -0x0102030405060708, null);

    private static OrleansParameter[] IdentityParameters(GrainKey key) =>
    [
        Int("GrainIdHash", key.IdHash), Long("GrainIdN0", key.N0), Long("GrainIdN1", key.N1), Int("GrainTypeHash", key.TypeHash),
        Text("GrainTypeString", key.TypeString), Text("GrainIdExtensionString", key.Extension), Text("ServiceId", key.ServiceId),
    ];

    private static OrleansParameter[] WriteParameters(GrainKey key, int? version, string payload) =>
        [.. IdentityParameters(key), Int("GrainStateVersion", version), Bytes("PayloadBinary", Encoding.UTF8.GetBytes(payload))];

    private Task<List<StoredState>> ReadStateAsync(GrainKey key) =>
        Orleans.ReadAsync(
            "ReadFromStorageKey",
            r =>
            {
                // In Orleans' order (payload, then version), which SequentialAccess requires.
                var payloadOrdinal = r.GetOrdinal("PayloadBinary");
                var payload = r.IsDBNull(payloadOrdinal) ? null : (byte[])r.GetValue(payloadOrdinal);
                var versionOrdinal = r.GetOrdinal("Version");
                int? version = r.IsDBNull(versionOrdinal) ? null : r.GetInt32(versionOrdinal);
                return new StoredState(payload, version);
            },
            CommandBehavior.SequentialAccess,
            IdentityParameters(key));

    /// <summary>The NewGrainStateVersion of the single row WriteToStorage must return (null when NULL).</summary>
    private async Task<int?> WriteStateAsync(GrainKey key, int? version, string payload)
    {
        var rows = await Orleans.ReadAsync(
            "WriteToStorageKey",
            r =>
            {
                var ordinal = r.GetOrdinal("NewGrainStateVersion");
                return r.IsDBNull(ordinal) ? (int?)null : r.GetInt32(ordinal);
            },
            WriteParameters(key, version, payload));
        return rows.ShouldHaveSingleItem();
    }

    /// <summary>Clear and Delete are read by ordinal 0: a row carrying the new version, or no row on conflict.</summary>
    private Task<List<int>> ClearOrDeleteAsync(string key, GrainKey grain, int? version) =>
        Orleans.ReadAsync(key, r => Convert.ToInt32(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), [.. IdentityParameters(grain), Int("GrainStateVersion", version)]);

    private async Task<long> CountStateRowsAsync(string serviceId) =>
        (long)(await database.ScalarAsync("SELECT count(*) FROM orleansstorage WHERE serviceid = @s", ("s", serviceId)))!;

    private static string? Decode(byte[]? payload) => payload is null ? null : Encoding.UTF8.GetString(payload);

    // ---------------------------------------------------------------------------------------------
    // Helpers: reminders
    // ---------------------------------------------------------------------------------------------

    private Task<int> UpsertReminderAsync(string service, string grainId, string name, DateTime start, TimeSpan period, int grainHash)
    {
        // Orleans sends the period as an int when it fits and as a long otherwise.
        var milliseconds = (long)period.TotalMilliseconds;
        var periodParameter = milliseconds <= int.MaxValue ? Int("Period", (int)milliseconds) : Long("Period", milliseconds);
        return ReadVersionAsync(
            "UpsertReminderRowKey",
            Text("ServiceId", service), Text("GrainId", grainId), Text("ReminderName", name), Time("StartTime", start), periodParameter,
            Int("GrainHash", grainHash));
    }

    private async Task<int> ReadVersionAsync(string key, params OrleansParameter[] parameters)
    {
        var rows = await Orleans.ReadAsync(key, r => Convert.ToInt32(r.GetValue(r.GetOrdinal("Version")), System.Globalization.CultureInfo.InvariantCulture), parameters);
        return rows.ShouldHaveSingleItem();
    }

    private Task<int> DeleteReminderAsync(string service, string grainId, string name, int version) =>
        Orleans.ReadSingleValueAsync(
            "DeleteReminderRowKey", Text("ServiceId", service), Text("GrainId", grainId), Text("ReminderName", name), Int("Version", version));

    private Task<List<ReminderRow>> ReadReminderAsync(string service, string grainId, string name) =>
        Orleans.ReadAsync("ReadReminderRowKey", ReadReminder, Text("ServiceId", service), Text("GrainId", grainId), Text("ReminderName", name));

    private Task<List<ReminderRow>> RangeAsync(string key, string service, int begin, int end) =>
        Orleans.ReadAsync(key, ReadReminder, Text("ServiceId", service), Int("BeginHash", begin), Int("EndHash", end));

    /// <summary>Seeds one reminder per hash, named after the hash, and returns the service id.</summary>
    private async Task<string> SeedHashesAsync(params int[] hashes)
    {
        var service = NewId();
        foreach (var hash in hashes)
        {
            (await UpsertReminderAsync(service, $"counter/{hash}", hash.ToString(System.Globalization.CultureInfo.InvariantCulture), T0, TimeSpan.FromMinutes(1), hash)).ShouldBe(0);
        }

        return service;
    }

    private async Task<List<int>> RangeHashesAsync(string key, string service, int begin, int end) =>
        (await RangeAsync(key, service, begin, end)).Select(r => int.Parse(r.ReminderName, System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();

    private static ReminderRow ReadReminder(DbDataReader r)
    {
        var periodOrdinal = r.GetOrdinal("Period");
        r.GetFieldType(periodOrdinal).ShouldBe(typeof(long));
        return new ReminderRow(
            (string)r.GetValue(r.GetOrdinal("GrainId")),
            (string)r.GetValue(r.GetOrdinal("ReminderName")),
            r.GetDateTime(r.GetOrdinal("StartTime")),
            r.GetInt64(periodOrdinal),
            Convert.ToInt32(r.GetValue(r.GetOrdinal("Version")), System.Globalization.CultureInfo.InvariantCulture));
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers: races
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Opens one connection per attempt and prepares every command first, then releases them together, so the
    /// statements really overlap in the server. Returns each attempt's single value (<paramref name="nullAs"/> for NULL).
    /// </summary>
    private async Task<int[]> RaceAsync(string key, OrleansParameter[][] attempts, int nullAs = int.MinValue)
    {
        var prepared = await Task.WhenAll(attempts.Select(a => Orleans.PrepareAsync(key, a)));
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racers = prepared.Select(p => Task.Run(async () =>
            {
                await start.Task;
                await using var reader = await p.Command.ExecuteReaderAsync();
                (await reader.ReadAsync()).ShouldBeTrue();
                reader.FieldCount.ShouldBe(1);
                var value = reader.IsDBNull(0) ? nullAs : Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
                (await reader.ReadAsync()).ShouldBeFalse();
                return value;
            })).ToArray();
            start.SetResult();
            return await Task.WhenAll(racers);
        }
        finally
        {
            foreach (var (connection, command) in prepared)
            {
                await command.DisposeAsync();
                await connection.DisposeAsync();
            }
        }
    }

    private sealed record SiloEntry(
        string Address, int Port, int Generation, string SiloName, string HostName, int Status, int ProxyPort, DateTime StartTime, DateTime IAmAliveTime);

    private sealed record MembershipRow(
        string? Address, int? Port, int? Generation, string? SiloName, string? HostName, int? Status, int? ProxyPort, string? SuspectTimes,
        DateTime? StartTime, DateTime? IAmAliveTime, int Version);

    private sealed record GrainKey(string ServiceId, string TypeString, long N0, long N1, string? Extension, int IdHash = 1_234_567, int TypeHash = -7_654_321);

    private sealed record StoredState(byte[]? Payload, int? Version);

    private sealed record ReminderRow(string GrainId, string ReminderName, DateTime StartTime, long Period, int Version);
}
