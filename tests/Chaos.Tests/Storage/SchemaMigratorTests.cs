using Chaos.Storage;
using Chaos.Tests.Infrastructure;
using Npgsql;

namespace Chaos.Tests.Storage;

public sealed class SchemaMigratorTests
{
    [Fact]
    public void Migrations_HaveUniqueIncreasingVersions()
    {
        var versions = SchemaMigrator.Migrations.Select(m => m.Version).ToList();
        versions.ShouldNotBeEmpty();
        versions.ShouldBe(versions.Order().Distinct().ToList());
        versions[0].ShouldBe(1);
    }

    [Fact]
    public async Task Migrate_IsIdempotent()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync(migrate: false);
        (await SchemaMigrator.MigrateAsync(connectionString, CancellationToken.None)).Count.ShouldBe(SchemaMigrator.Migrations.Count);
        (await SchemaMigrator.MigrateAsync(connectionString, CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Migrate_FromManyProcessesAtOnce_AppliesEachMigrationExactlyOnce()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync(migrate: false);
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => SchemaMigrator.MigrateAsync(connectionString, CancellationToken.None))));

        results.SelectMany(r => r).Order().ShouldBe(SchemaMigrator.Migrations.Select(m => m.Version));
        results.Count(r => r.Count > 0).ShouldBe(1);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM chaos_schema_migrations", connection);
        ((long)(await command.ExecuteScalarAsync())!).ShouldBe(SchemaMigrator.Migrations.Count);
    }
}
