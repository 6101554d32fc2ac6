using System.Text.Json;
using Chaos.Api.Hosting;

namespace Chaos.Tests.Deployment;

/// <summary>
/// The runtime settings a front door is started with (docs/operations.md#memory-and-gc, #warm-up): the container image,
/// the `dotnet run` launch profile and the perf scripts set the same values; the runtime reports the young-generation
/// budget under the name the start-up log reads, and an uncapped budget is warned about.
/// </summary>
public sealed class FrontDoorRuntimeEnvironmentTests
{
    [Fact]
    public void ImageLaunchProfileAndBenchmarks_CapTheBudget_AtTheSameValue()
    {
        var expected = YoungGenerationBudget.ToVariableValue(YoungGenerationBudget.RecommendedBytes);
        expected.ShouldBe("600000");

        SetWhereverAFrontDoorStarts(YoungGenerationBudget.Variable, expected);
    }

    [Fact]
    public void ImageLaunchProfileAndBenchmarks_StartTieredCompilationsCallCountingAtOnce() =>
        SetWhereverAFrontDoorStarts("DOTNET_TC_CallCountingDelayMs", "0");

    [Fact]
    public void TheRuntime_ReportsItsBudget_UnderTheNameTheStartupLogReads()
    {
        var budget = YoungGenerationBudget.Read(GC.GetConfigurationVariables());

        budget.ShouldNotBeNull();
        budget.Value.ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData(83_886_080L, true)]     // what the runtime chose on a VM reporting a 260 MiB L3 cache
    [InlineData(6_291_456L, false)]     // the cap
    [InlineData(25_165_824L, false)]    // four times the cap, the highest not warned about
    [InlineData(25_165_825L, true)]
    public void AnOversizedBudget_IsWarnedAbout(long budget, bool warned)
    {
        var read = YoungGenerationBudget.Read(new Dictionary<string, object> { ["GCGen0MaxBudget"] = budget, ["ServerGC"] = false });

        read.ShouldBe(budget);
        YoungGenerationBudget.IsOversized(read, serverGc: false).ShouldBe(warned);
        YoungGenerationBudget.IsOversized(read, serverGc: true).ShouldBeFalse();   // the server GC's budgets are large by design
    }

    [Fact]
    public void ABudgetTheRuntimeDoesNotReport_IsNotWarnedAbout()
    {
        var read = YoungGenerationBudget.Read(new Dictionary<string, object> { ["ServerGC"] = false, ["GCGen0MaxBudget"] = "large" });

        read.ShouldBeNull();
        YoungGenerationBudget.IsOversized(read, serverGc: false).ShouldBeFalse();
        YoungGenerationBudget.IsOversized(YoungGenerationBudget.Read(new Dictionary<string, object>()), serverGc: false).ShouldBeFalse();
    }

    /// <summary>The image's ENV, the launch profile `dotnet run` uses and perf/front-door.env all set the variable to the value.</summary>
    private static void SetWhereverAFrontDoorStarts(string variable, string value)
    {
        File.ReadAllLines(Path.Combine(DeploymentTools.RepoRoot, "deploy", "images", "api.Dockerfile"))
            .Select(l => l.Trim().TrimEnd('\\').Trim())
            .Where(l => l.StartsWith(variable + "=", StringComparison.Ordinal))
            .ShouldHaveSingleItem().ShouldBe($"{variable}={value}");

        using var launch = JsonDocument.Parse(File.ReadAllText(Path.Combine(DeploymentTools.RepoRoot, "api", "Properties", "launchSettings.json")));
        var profiles = launch.RootElement.GetProperty("profiles").EnumerateObject().ToList();
        profiles.ShouldNotBeEmpty();
        profiles[0].Value.GetProperty("environmentVariables").GetProperty(variable).GetString().ShouldBe(value);

        File.ReadAllText(Path.Combine(DeploymentTools.RepoRoot, "perf", "front-door.env"))
            .ShouldContain($"export {variable}=\"${{{variable}-{value}}}\"");
    }
}
