namespace Chaos.Api.Hosting;

/// <summary>
/// The GC's young-generation (gen0) budget a front door runs with. The runtime sizes it from the processor cache the
/// machine reports, which on some virtual machines is hundreds of MiB: every gen0 collection then copies far more and
/// the heap holds far more garbage. The image and the launch profile cap it at <see cref="RecommendedBytes"/> through
/// <see cref="Variable"/>; a process started without the cap says so at start-up (docs/operations.md#memory-and-gc).
/// </summary>
internal static class YoungGenerationBudget
{
    /// <summary>The environment variable that caps the budget, read by the runtime before any code runs (hexadecimal).</summary>
    public const string Variable = "DOTNET_GCGen0MaxBudget";

    /// <summary>6 MiB: the workstation GC's own limit on a machine with an ordinary cache.</summary>
    public const long RecommendedBytes = 6 * 1024 * 1024;

    /// <summary>Above this the start-up log warns: four times the recommendation.</summary>
    public const long WarnAboveBytes = 4 * RecommendedBytes;

    /// <summary>The budget in force, from <see cref="GC.GetConfigurationVariables"/>; null when the runtime does not say.</summary>
    public static long? Read(IReadOnlyDictionary<string, object> gcConfiguration)
    {
        ArgumentNullException.ThrowIfNull(gcConfiguration);
        return gcConfiguration.TryGetValue("GCGen0MaxBudget", out var value) && value is long bytes ? bytes : null;
    }

    /// <summary>
    /// Whether a budget is large enough to be worth a warning: only for the workstation GC, which a front door runs by
    /// default; the server GC's budgets are large by design and adapt to the application's size.
    /// </summary>
    public static bool IsOversized(long? budget, bool serverGc) => !serverGc && budget > WarnAboveBytes;

    /// <summary>The variable's value for a number of bytes, as the runtime parses it (hexadecimal, no prefix).</summary>
    public static string ToVariableValue(long bytes) => bytes.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
}
