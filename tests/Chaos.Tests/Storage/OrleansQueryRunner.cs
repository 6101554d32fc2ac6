using System.Data;
using System.Data.Common;
using Npgsql;

namespace Chaos.Tests.Storage;

/// <summary>
/// Executes the query texts stored in OrleansQuery the way the Orleans ADO.NET providers do: connection and
/// parameters made through the provider factory, texts run verbatim, results read by column name.
/// </summary>
internal sealed class OrleansQueryRunner(string connectionString, IReadOnlyDictionary<string, string> queries)
{
    public IReadOnlyDictionary<string, string> Queries { get; } = queries;

    /// <summary>Loads OrleansQuery with the exact bootstrap SELECT Orleans issues (unquoted, so folded to lower case).</summary>
    public static async Task<Dictionary<string, string>> LoadQueriesAsync(string connectionString)
    {
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var connection = await OpenAsync(connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryKey, QueryText FROM OrleansQuery";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            queries.Add((string)reader.GetValue(reader.GetOrdinal("QueryKey")), (string)reader.GetValue(reader.GetOrdinal("QueryText")));
        }

        return queries;
    }

    public Task<List<T>> ReadAsync<T>(string key, Func<DbDataReader, T> selector, params OrleansParameter[] parameters) =>
        ReadAsync(key, selector, CommandBehavior.Default, parameters);

    public async Task<List<T>> ReadAsync<T>(string key, Func<DbDataReader, T> selector, CommandBehavior behavior, params OrleansParameter[] parameters)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = CreateCommand(connection, key, parameters);
        await using var reader = await command.ExecuteReaderAsync(behavior);
        var results = new List<T>();
        do
        {
            while (await reader.ReadAsync())
            {
                results.Add(selector(reader));
            }
        }
        while (await reader.NextResultAsync());

        return results;
    }

    /// <summary>Runs a query Orleans reads as a boolean: it must yield exactly one row with exactly one column.</summary>
    public async Task<int> ReadSingleValueAsync(string key, params OrleansParameter[] parameters)
    {
        var rows = await ReadAsync(key, reader =>
        {
            reader.FieldCount.ShouldBe(1, $"{key} must return exactly one column");
            return Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
        }, parameters);
        rows.Count.ShouldBe(1, $"{key} must return exactly one row");
        return rows[0];
    }

    public async Task ExecuteNonQueryAsync(string key, params OrleansParameter[] parameters)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = CreateCommand(connection, key, parameters);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Opens a connection and prepares the command for <paramref name="key"/> without running it, so races can start together.</summary>
    public async Task<(DbConnection Connection, DbCommand Command)> PrepareAsync(string key, params OrleansParameter[] parameters)
    {
        var connection = await OpenAsync(connectionString);
        return (connection, CreateCommand(connection, key, parameters));
    }

    private DbCommand CreateCommand(DbConnection connection, string key, OrleansParameter[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = Queries[key];
        foreach (var parameter in parameters)
        {
            var dbParameter = command.CreateParameter();
            dbParameter.ParameterName = parameter.Name;
            dbParameter.Value = parameter.Value ?? DBNull.Value;
            dbParameter.DbType = parameter.DbType;
            dbParameter.Direction = ParameterDirection.Input;
            command.Parameters.Add(dbParameter);
        }

        return command;
    }

    private static async Task<DbConnection> OpenAsync(string connectionString)
    {
        // Orleans resolves the invariant "Npgsql" to this factory and builds everything from it.
        var connection = NpgsqlFactory.Instance.CreateConnection() ?? throw new InvalidOperationException("Npgsql factory returned no connection");
        connection.ConnectionString = connectionString;
        await connection.OpenAsync();
        return connection;
    }
}
