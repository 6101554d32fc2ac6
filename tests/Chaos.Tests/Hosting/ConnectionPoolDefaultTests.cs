using Chaos.Hosting;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Chaos.Tests.Hosting;

/// <summary>
/// A process keeps two connection pools on <c>ConnectionStrings:Chaos</c>; unless the operator sizes them, each holds at
/// most <see cref="ChaosStorage.DefaultMaxPoolSize"/> connections (docs/operations.md#postgresql-connections).
/// </summary>
public sealed class ConnectionPoolDefaultTests
{
    private static ChaosStorage From(string connectionString) =>
        ChaosStorage.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Chaos"] = connectionString }).Build());

    [Fact]
    public void AConnectionStringWithoutAPoolSize_GetsTheDefault_AndKeepsEverythingElse()
    {
        var storage = From("Host=db.internal;Port=6432;Username=chaos;Password='s3cr;et=x';Database=chaos;SSL Mode=Require");

        var builder = new NpgsqlConnectionStringBuilder(storage.ConnectionString);
        builder.MaxPoolSize.ShouldBe(ChaosStorage.DefaultMaxPoolSize);
        builder.MaxPoolSize.ShouldBeLessThan(new NpgsqlConnectionStringBuilder().MaxPoolSize);
        (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database, builder.SslMode).ShouldBe(("db.internal", 6432, "chaos", "s3cr;et=x", "chaos", SslMode.Require));
    }

    [Theory]
    [InlineData("Maximum Pool Size")]
    [InlineData("MaxPoolSize")]
    [InlineData("maximum pool size")]
    public void APoolSizeTheOperatorSet_IsKept(string keyword)
    {
        var storage = From($"Host=127.0.0.1;Username=postgres;{keyword}=7");

        new NpgsqlConnectionStringBuilder(storage.ConnectionString).MaxPoolSize.ShouldBe(7);
    }

    [Fact]
    public async Task TheDataSourceTheStoresShare_UsesTheSizedPool()
    {
        await using var provider = new ServiceCollection().AddChaosStores(From("Host=127.0.0.1;Port=1;Username=nobody")).BuildServiceProvider();

        new NpgsqlConnectionStringBuilder(provider.GetRequiredService<NpgsqlDataSource>().ConnectionString).MaxPoolSize.ShouldBe(ChaosStorage.DefaultMaxPoolSize);
    }

    [Fact]
    public void WithoutAConnectionString_StorageStaysInMemory()
    {
        ChaosStorage.From(new ConfigurationBuilder().Build()).IsPostgres.ShouldBeFalse();
    }
}
