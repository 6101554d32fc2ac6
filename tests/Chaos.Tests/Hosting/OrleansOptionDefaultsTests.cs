using Chaos.Api.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Chaos.Tests.Hosting;

/// <summary>
/// The Orleans options a silo really runs with where CHAOS changes Orleans' defaults, and that the operator's setting
/// still wins (docs/operations.md, the Orleans__* rows; docs/operations.md#memory-and-gc).
/// </summary>
public sealed class OrleansOptionDefaultsTests
{
    /// <summary>Orleans allocates its default of 1,000,000 grain locations up front, twice; CHAOS keeps 100,000.</summary>
    [Theory]
    [InlineData(null, 100_000)]
    [InlineData("5000", 5_000)]
    public async Task TheGrainLocationCache_Holds100000_UnlessSet(string? configured, int expected)
    {
        await using var app = await StartAsync("Orleans:DirectoryCache:CacheSize", configured);

        app.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.CacheSize.ShouldBe(expected);
    }

    /// <summary>
    /// A stateless worker's idle extra activations are looked for every 5 s (Orleans: every 0.5 s, a timer per worker type
    /// that woke an idle silo twice a second).
    /// </summary>
    [Theory]
    [InlineData(null, 5_000)]
    [InlineData("00:00:00.250", 250)]
    public async Task IdleStatelessWorkers_AreLookedForEveryFiveSeconds_UnlessSet(string? configured, int expectedMilliseconds)
    {
        await using var app = await StartAsync("Orleans:StatelessWorker:IdleWorkersInspectionPeriod", configured);

        var options = app.Services.GetRequiredService<IOptions<StatelessWorkerOptions>>().Value;
        options.IdleWorkersInspectionPeriod.ShouldBe(TimeSpan.FromMilliseconds(expectedMilliseconds));
        options.RemoveIdleWorkers.ShouldBeTrue();
    }

    private static Task<WebApplication> StartAsync(string key, string? value) =>
        ChaosApplication.CreateAsync(StandaloneArgs.With(value is null ? [] : [$"--{key}={value}"]));
}
