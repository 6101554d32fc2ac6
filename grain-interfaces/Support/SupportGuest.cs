namespace Chaos.Support;

/// <summary>Who started a conversation: a name and, if they gave one, an e-mail address for the transcript.</summary>
[GenerateSerializer, Immutable, Alias("chaos.SupportGuest")]
public sealed record SupportGuest(
    [property: Id(0)] string Name,
    [property: Id(1), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Email);
