namespace Chaos.Api.Communities;

/// <summary>The body of community create and update; on update, absent fields are left alone (<c>ai</c>, <c>supportDesk</c>: update only).</summary>
public sealed record CommunityRequest(string? Name, string? Description, Chaos.Ai.CommunityAiChange? Ai = null)
{
    /// <summary>The support desk's settings (docs/api.md#support-desk), kept by the desk grain.</summary>
    public Chaos.Support.SupportDeskChange? SupportDesk { get; init; }
}
