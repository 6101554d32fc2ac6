using Chaos.Ai;

namespace Chaos.Api.Ai;

/// <summary>The AI routes (docs/api.md#ai-assistance) that are not part of a community or channel resource.</summary>
public static class AiApi
{
    public static RouteGroupBuilder MapAiApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/ai").WithTags("AI").RequireAuthorization().ProducesProblem(401);
        group.MapGet("/status", GetStatus);
        return api;
    }

    /// <summary>From the background probe: never waits on the model server.</summary>
    private static AiStatus GetStatus(AiStatusMonitor monitor) => monitor.Status;
}
