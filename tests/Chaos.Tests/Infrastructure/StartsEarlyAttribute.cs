namespace Chaos.Tests.Infrastructure;

/// <summary>
/// Marks a collection definition or test class that takes minutes (a shared server's many tests, process kills): it is
/// started before the short ones, so it does not become the run's tail (<see cref="LongestFirstOrderer"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StartsEarlyAttribute : Attribute;
