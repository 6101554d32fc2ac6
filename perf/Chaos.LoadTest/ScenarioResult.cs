namespace Chaos.LoadTest;

/// <summary>A scenario's figures, printed as a table and written to the JSON results file.</summary>
internal sealed class ScenarioResult(string scenario)
{
    public string Scenario { get; } = scenario;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public Dictionary<string, object?> Settings { get; } = [];

    public Dictionary<string, object?> Metrics { get; } = [];

    /// <summary>Time series (e.g. the servers' memory once a second): written to the JSON, not printed.</summary>
    public Dictionary<string, object?> Series { get; } = [];

    public List<string> Notes { get; } = [];
}
