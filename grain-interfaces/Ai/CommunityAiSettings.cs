namespace Chaos.Ai;

/// <summary>A community's <c>ai</c> object (docs/api.md#ai-assistance): both off until a manager turns them on.</summary>
[GenerateSerializer, Immutable, Alias("chaos.CommunityAiSettings")]
public sealed record CommunityAiSettings(
    [property: Id(0)] ModerationMode Moderation,
    [property: Id(1)] bool Summaries)
{
    public static readonly CommunityAiSettings Off = new(ModerationMode.Off, false);
}
