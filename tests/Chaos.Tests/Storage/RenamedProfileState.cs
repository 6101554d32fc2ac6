namespace Chaos.Tests.Storage;

/// <summary>The same state after a rename, a move and a new field: it must still read version 1's rows.</summary>
[GenerateSerializer, Alias("chaos.tests.ProfileState")]
public sealed class RenamedProfileState
{
    [Id(0)]
    public string Name { get; set; } = string.Empty;

    [Id(1)]
    public List<long> Friends { get; set; } = [];

    [Id(2)]
    public int Level { get; set; } = 7;
}
