using System.Globalization;
using Chaos.Api.Hosting;
using Chaos.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Chaos.Tests.Hosting;

/// <summary>
/// The grain-location cache a silo really runs with: 100,000 entries by default (Orleans allocates its default of
/// 1,000,000 up front, twice), and whatever the operator sets (docs/operations.md#memory-and-gc).
/// </summary>
public sealed class GrainDirectoryCacheTests
{
    [Theory]
    [InlineData(null, 100_000)]
    [InlineData("5000", 5_000)]
    public async Task TheCacheSize_Is100000_UnlessSet(string? configured, int expected)
    {
        List<string> args =
        [
            "--urls=http://127.0.0.1:0",
            $"--Chaos:SiloPort={PostgresServer.FreeTcpPort().ToString(CultureInfo.InvariantCulture)}",
            $"--Chaos:GatewayPort={PostgresServer.FreeTcpPort().ToString(CultureInfo.InvariantCulture)}",
            "--Logging:LogLevel:Default=Warning",
        ];
        if (configured is not null)
        {
            args.Add($"--Orleans:DirectoryCache:CacheSize={configured}");
        }

        await using var app = await ChaosApplication.CreateAsync([.. args]);

        app.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.CacheSize.ShouldBe(expected);
    }
}
