namespace Chaos.Tests.Support;

/// <summary>The support desk's REST and gateway test classes share one <see cref="SupportFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SupportCollection : ICollectionFixture<SupportFixture>
{
    public const string Name = "Support";
}
