namespace Chaos.Communities;

/// <summary>What an invite preview shows of its community to someone who is not (yet) a member.</summary>
[GenerateSerializer, Immutable, Alias("chaos.CommunitySummary")]
public sealed record CommunitySummary(
    [property: Id(0)] long Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Description,
    [property: Id(3)] int MemberCount);
