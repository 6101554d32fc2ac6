using System.Security.Claims;
using Chaos.Api.Auth;
using Chaos.Api.Errors;

namespace Chaos.Api.Ai;

/// <summary><c>POST /channels/{id}/summaries</c> (docs/api.md#ai-assistance); the streaming form is the hub's <c>Summarize</c>.</summary>
public static class SummariesApi
{
    public static RouteGroupBuilder MapSummariesApi(this RouteGroupBuilder api)
    {
        api.MapPost("/channels/{id}/summaries", SummarizeAsync).WithTags("AI").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(429).ProducesProblem(503);
        return api;
    }

    private static async Task<ChannelSummary> SummarizeAsync(string id, SummaryRequest? request, ClaimsPrincipal user, ChannelSummarizer summarizer, CancellationToken ct)
    {
        var channelId = RouteIds.Parse(id, "id");
        var since = RouteIds.ParseOptional(request?.SinceMessageId, "sinceMessageId");
        var input = await summarizer.PrepareAsync(user.UserId(), channelId, since, ct);
        return await summarizer.SummarizeAsync(input, ct);
    }
}
