using Chaos.Api.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Chaos.Tests.Hosting;

/// <summary>
/// How often a silo looks for a stateless worker's idle extra activations: every 5 s by default (Orleans: every 0.5 s,
/// a timer per worker type that woke an idle silo twice a second), and whatever the operator sets
/// (docs/operations.md, Orleans__StatelessWorker__*).
/// </summary>
public sealed class StatelessWorkerOptionsTests
{
    [Theory]
    [InlineData(null, 5_000)]
    [InlineData("00:00:00.250", 250)]
    public async Task IdleWorkersAreLookedForEveryFiveSeconds_UnlessSet(string? configured, int expectedMilliseconds)
    {
        string[] extra = configured is null ? [] : [$"--Orleans:StatelessWorker:IdleWorkersInspectionPeriod={configured}"];
        await using var app = await ChaosApplication.CreateAsync(StandaloneArgs.With(extra));

        var options = app.Services.GetRequiredService<IOptions<StatelessWorkerOptions>>().Value;
        options.IdleWorkersInspectionPeriod.ShouldBe(TimeSpan.FromMilliseconds(expectedMilliseconds));
        options.RemoveIdleWorkers.ShouldBeTrue();
    }
}
