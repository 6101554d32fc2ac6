namespace Chaos.Tests.Storage;

/// <summary>Version 1 of a state class, as an older build wrote it.</summary>
[GenerateSerializer, Alias("chaos.tests.LegacyProfileState")]
public sealed class LegacyProfileState
{
    [Id(0)]
    public string Name { get; set; } = string.Empty;

    [Id(1)]
    public List<long> Friends { get; set; } = [];
}
