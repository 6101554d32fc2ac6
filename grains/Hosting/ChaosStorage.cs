using Microsoft.Extensions.Configuration;

namespace Chaos.Hosting;

/// <summary>Which storage this process uses: PostgreSQL when <c>ConnectionStrings:Chaos</c> is set, memory otherwise.</summary>
public sealed record ChaosStorage(string? ConnectionString)
{
    public bool IsPostgres => ConnectionString is not null;

    /// <summary>
    /// Connections per pool when the connection string names no <c>Maximum Pool Size</c> (Npgsql's own default is 100).
    /// A process has two pools on the same string — CHAOS's data source and Orleans' (membership, grain state) — so this
    /// keeps a process at 40 connections and a two-process cluster inside PostgreSQL's default <c>max_connections</c> of
    /// 100, where Npgsql's default let a burst of grain-state writes take more than PostgreSQL allows
    /// (docs/operations.md#postgresql-connections).
    /// </summary>
    public const int DefaultMaxPoolSize = 20;

    public static ChaosStorage From(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Chaos");
        return new ChaosStorage(string.IsNullOrWhiteSpace(connectionString) ? null : WithPoolDefault(connectionString));
    }

    /// <summary>The connection string with <see cref="DefaultMaxPoolSize"/> unless it names a pool size of its own.</summary>
    public static string WithPoolDefault(string connectionString)
    {
        // Npgsql's builder answers ContainsKey for every keyword it knows; the generic one (case-insensitive) holds only
        // what was written, under either spelling Npgsql accepts.
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (written.ContainsKey("Maximum Pool Size") || written.ContainsKey("MaxPoolSize"))
        {
            return connectionString;
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = DefaultMaxPoolSize }.ConnectionString;
    }

    public string Describe()
    {
        if (ConnectionString is null)
        {
            return "in-memory (standalone; everything is lost when the process stops)";
        }

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
    }
}
