namespace Chaos.Tests.Infrastructure;

/// <summary>
/// Marks a collection definition or test class that takes minutes (a shared server's many tests, process kills, browsers):
/// it is started before the short ones, longest first by <see cref="Minutes"/>, so it does not become the run's tail
/// (<see cref="LongestFirstOrderer"/>). <see cref="Minutes"/> is a rough figure from a full run on a 2-core machine.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StartsEarlyAttribute(int minutes = 1) : Attribute
{
    public int Minutes { get; } = minutes;
}
