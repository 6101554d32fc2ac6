namespace Chaos.Support;

/// <summary>A change of the <c>supportDesk</c> object (<c>PATCH /communities/{id}</c>); null leaves a field as it is.</summary>
[GenerateSerializer, Immutable, Alias("chaos.SupportDeskChange")]
public sealed record SupportDeskChange(
    [property: Id(0)] bool? Enabled,
    [property: Id(1)] string? Greeting,
    [property: Id(2)] string? OfflineMessage);
