namespace Chaos.Tests.Personal;

/// <summary>
/// Tests that drive hundreds of connections or thousands of grain calls run alone, after the parallel ones: they share
/// the test process's thread pool with every other test server and would otherwise skew those tests' timing.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyPersonalTests
{
    public const string Name = "Heavy personal tests";
}
