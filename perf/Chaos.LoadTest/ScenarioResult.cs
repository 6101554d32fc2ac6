namespace Chaos.LoadTest;

/// <summary>A scenario's figures, printed as a table and written to the JSON results file.</summary>
internal sealed class ScenarioResult(string scenario)
{
    public string Scenario { get; } = scenario;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public Dictionary<string, object?> Settings { get; } = [];

    public Dictionary<string, object?> Metrics { get; } = [];

    public List<string> Notes { get; } = [];
}
