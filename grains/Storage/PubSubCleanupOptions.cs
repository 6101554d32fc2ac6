namespace Chaos.Storage;

/// <summary><c>Chaos:PubSubCleanup</c>: how often cleared stream pub-sub rows are deleted, and how old they must be.</summary>
public sealed class PubSubCleanupOptions
{
    public const string Section = "Chaos:PubSubCleanup";

    public bool Enabled { get; set; } = true;

    public double IntervalMinutes { get; set; } = 60;

    /// <summary>
    /// A cleared row is deleted only when it was last written this long ago: far longer than an idle pub-sub activation
    /// lives (it asks to be deactivated when it clears, and idle grains are collected after 15 minutes).
    /// </summary>
    public double MinAgeMinutes { get; set; } = 60;

    public int BatchSize { get; set; } = 5000;
}
