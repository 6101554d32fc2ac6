using Chaos.Api.Hosting;
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
        string[] extra = configured is null ? [] : [$"--Orleans:DirectoryCache:CacheSize={configured}"];
        await using var app = await ChaosApplication.CreateAsync(StandaloneArgs.With(extra));

        app.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.CacheSize.ShouldBe(expected);
    }
}
