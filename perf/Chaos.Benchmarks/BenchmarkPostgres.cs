using Chaos.Storage;
using Npgsql;

namespace Chaos.Benchmarks;

/// <summary>
/// The PostgreSQL database the storage benchmarks write to: <c>CHAOS_BENCH_POSTGRES</c> names it (a connection string);
/// it is migrated to the current schema on setup, and every run writes to fresh channel ids, so it may be reused.
/// </summary>
public static class BenchmarkPostgres
{
    public const string Variable = "CHAOS_BENCH_POSTGRES";

    public static async Task<NpgsqlDataSource> OpenAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"Set {Variable} to the connection string of a PostgreSQL database the storage benchmarks may write to " +
                "(docs/benchmarks.md).");
        }

        await SchemaMigrator.MigrateAsync(connectionString, CancellationToken.None);
        return NpgsqlDataSource.Create(connectionString);
    }
}
