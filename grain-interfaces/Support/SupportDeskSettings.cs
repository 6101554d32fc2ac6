namespace Chaos.Support;

/// <summary>A community's <c>supportDesk</c> object: whether guests may start conversations, and what they are told.</summary>
[GenerateSerializer, Immutable, Alias("chaos.SupportDeskSettings")]
public sealed record SupportDeskSettings(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] string Greeting,
    [property: Id(2)] string OfflineMessage)
{
    public static readonly SupportDeskSettings Off = new(false, string.Empty, string.Empty);
}
