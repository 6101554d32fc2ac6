using Microsoft.Extensions.Configuration;

namespace Chaos.Hosting;

/// <summary>Which storage this process uses: PostgreSQL when <c>ConnectionStrings:Chaos</c> is set, memory otherwise.</summary>
public sealed record ChaosStorage(string? ConnectionString)
{
    public bool IsPostgres => ConnectionString is not null;

    public static ChaosStorage From(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Chaos");
        return new ChaosStorage(string.IsNullOrWhiteSpace(connectionString) ? null : connectionString);
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
