using System.Security.Claims;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Api.RateLimits;
using Chaos.Errors;
using Chaos.Support;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chaos.Api.Support;

/// <summary>
/// The live-chat support desk (docs/api.md#support-desk): the guest widget's routes under <c>/support</c> (no account; a
/// guest token per conversation) and the agents' under <c>/communities/{id}/support</c>. Grains decide who may do what.
/// </summary>
public static class SupportApi
{
    /// <summary>The policy of routes that both a conversation's guest and an agent may call.</summary>
    public const string GuestOrUserPolicy = "support-guest-or-user";

    public static RouteGroupBuilder MapSupportApi(this RouteGroupBuilder api)
    {
        var widget = api.MapGroup("/support").WithTags("Support").ProducesProblem(400).ProducesProblem(404).ProducesProblem(429);
        widget.MapGet("/{communityId}", GetDeskAsync).AllowAnonymous().AddEndpointFilter(new AddressRateLimitFilter(RateLimiter.SupportDeskBucket));
        widget.MapPost("/{communityId}/conversations", StartAsync).AllowAnonymous().AddEndpointFilter(new AddressRateLimitFilter(RateLimiter.SupportStartsBucket))
            .ProducesProblem(409);

        var conversations = widget.MapGroup("/conversations/{id}").RequireAuthorization(GuestOrUserPolicy).ProducesProblem(401).ProducesProblem(403);
        conversations.MapGet(string.Empty, GetAsync);
        conversations.MapGet("/messages", GetMessagesAsync);
        conversations.MapPost("/messages", SendAsync).WithMetadata(new RateLimitBucket(RateLimiter.MessagesBucket));
        conversations.MapPost("/assign", AssignAsync).ProducesProblem(409);
        conversations.MapPost("/close", CloseAsync);
        conversations.MapPost("/rating", RateAsync).ProducesProblem(409);
        conversations.MapGet("/transcript", TranscriptAsync).Produces<string>(200, "text/plain");

        var desk = api.MapGroup("/communities/{id}/support").WithTags("Support").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        desk.MapGet(string.Empty, GetSettingsAsync);
        desk.MapPut("/agents/@me", SetAgentAsync);
        desk.MapGet("/conversations", ListAsync);
        desk.MapGet("/stats", StatsAsync);
        return api;
    }

    private static Task<SupportDeskInfo> GetDeskAsync(string communityId, IGrainFactory grains, CancellationToken ct) =>
        GrainCalls.RetryAsync(() => Desk(grains, communityId, "communityId").GetInfoAsync(), idempotent: true, ct);

    private static async Task<Created<StartConversationResponse>> StartAsync(
        string communityId, StartConversationRequest request, IGrainFactory grains, Ids.IIdGenerator ids, SupportGuestTokens tokens, CancellationToken ct)
    {
        var community = RouteIds.Parse(communityId, "communityId");
        new RequestValidator()
            .Check("name", SupportRules.CheckGuestName(request.Name))
            .Check("email", SupportRules.CheckEmail(request.Email))
            .Check("message", Chaos.Messages.MessageRules.CheckContent(request.Message))
            .ThrowIfInvalid();
        // The id is chosen here, so a retried call cannot start a second conversation.
        var id = ids.NextId();
        var desk = grains.GetGrain<ISupportDeskGrain>(community);
        var conversation = await GrainCalls.RetryAsync(
            () => desk.StartAsync(id, new SupportGuest(request.Name!, request.Email), request.Message!), idempotent: true, ct);
        return TypedResults.Created($"/api/v1/support/conversations/{conversation.Id}", new StartConversationResponse(conversation, tokens.Issue(community, conversation.Id)));
    }

    private static async Task<SupportConversation> GetAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var (caller, community, conversation) = await ResolveAsync(id, user, grains, ct);
        return await GrainCalls.RetryAsync(() => grains.GetGrain<ISupportDeskGrain>(community).GetConversationAsync(caller, conversation), idempotent: true, ct);
    }

    private static async Task<IReadOnlyList<SupportMessage>> GetMessagesAsync(
        string id, string? before, string? after, int? limit, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var beforeId = RouteIds.ParseOptional(before, "before");
        var afterId = RouteIds.ParseOptional(after, "after");
        var take = RouteIds.Limit(limit, 50, 100);
        var (caller, _, conversation) = await ResolveAsync(id, user, grains, ct);
        return await GrainCalls.RetryAsync(
            () => grains.GetGrain<ISupportConversationGrain>(conversation).GetMessagesAsync(caller, beforeId, afterId, take), idempotent: true, ct);
    }

    private static async Task<Created<SupportMessage>> SendAsync(string id, SupportMessageRequest request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        new RequestValidator().Check("content", Chaos.Messages.MessageRules.CheckContent(request.Content)).ThrowIfInvalid();
        var (caller, _, conversation) = await ResolveAsync(id, user, grains, ct);
        var message = await GrainCalls.RetryAsync(
            () => grains.GetGrain<ISupportConversationGrain>(conversation).SendAsync(caller, request.Content!), idempotent: false, ct);
        return TypedResults.Created($"/api/v1/support/conversations/{conversation}/messages/{message.Id}", message);
    }

    private static async Task<SupportConversation> AssignAsync(string id, AssignRequest? request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var agentId = RouteIds.ParseOptional(request?.AgentId, "agentId");
        var (caller, community, conversation) = await ResolveAsync(id, user, grains, ct);
        if (caller.IsGuest)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "Only agents assign conversations.");
        }

        return await GrainCalls.RetryAsync(
            () => grains.GetGrain<ISupportDeskGrain>(community).AssignAsync(caller.UserId!.Value, conversation, agentId), idempotent: true, ct);
    }

    private static async Task<SupportConversation> CloseAsync(string id, ClaimsPrincipal user, IGrainFactory grains, SupportTranscripts transcripts, CancellationToken ct)
    {
        var (caller, community, conversation) = await ResolveAsync(id, user, grains, ct);
        var desk = grains.GetGrain<ISupportDeskGrain>(community);
        var before = await GrainCalls.RetryAsync(() => desk.GetConversationAsync(caller, conversation), idempotent: true, ct);
        var closed = await GrainCalls.RetryAsync(() => desk.CloseAsync(caller, conversation), idempotent: true, ct);
        if (before.Status != SupportStatus.Closed)
        {
            transcripts.MailOnClose(closed);
        }

        return closed;
    }

    private static async Task<SupportConversation> RateAsync(string id, RatingRequest request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        new RequestValidator()
            .Check("score", request.Score is { } score ? SupportRules.CheckScore(score) : "is required.")
            .Check("comment", SupportRules.CheckComment(request.Comment))
            .ThrowIfInvalid();
        var (caller, _, conversation) = await ResolveAsync(id, user, grains, ct);
        return await GrainCalls.RetryAsync(
            () => grains.GetGrain<ISupportConversationGrain>(conversation).RateAsync(caller, request.Score!.Value, request.Comment), idempotent: false, ct);
    }

    private static async Task<ContentHttpResult> TranscriptAsync(string id, ClaimsPrincipal user, IGrainFactory grains, SupportTranscripts transcripts, CancellationToken ct)
    {
        var (caller, community, conversation) = await ResolveAsync(id, user, grains, ct);
        return TypedResults.Text(await transcripts.BuildAsync(caller, community, conversation, ct), "text/plain; charset=utf-8");
    }

    private static Task<SupportDeskSettings> GetSettingsAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct) =>
        GrainCalls.RetryAsync(() => Desk(grains, id, "id").GetSettingsAsync(user.UserId()), idempotent: true, ct);

    private static Task<SupportAgent> SetAgentAsync(string id, AgentStatusRequest request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        new RequestValidator()
            .Check("status", request.Status is null ? "is required." : null)
            .Check("maxConcurrent", request.MaxConcurrent is { } max ? SupportRules.CheckConcurrent(max) : "is required.")
            .Check("email", SupportRules.CheckEmail(request.Email))
            .ThrowIfInvalid();
        var desk = Desk(grains, id, "id");
        return GrainCalls.RetryAsync(() => desk.SetAgentAsync(user.UserId(), request.Status!.Value, request.MaxConcurrent!.Value, request.Email), idempotent: true, ct);
    }

    private static Task<IReadOnlyList<SupportConversation>> ListAsync(
        string id, string? status, string? before, int? limit, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        SupportStatus? wanted = status switch
        {
            null => null,
            "queued" => SupportStatus.Queued,
            "assigned" => SupportStatus.Assigned,
            "closed" => SupportStatus.Closed,
            _ => throw ChaosException.Validation("status", "must be queued, assigned or closed."),
        };
        var beforeId = RouteIds.ParseOptional(before, "before");
        var take = RouteIds.Limit(limit, 50, 100);
        var desk = Desk(grains, id, "id");
        return GrainCalls.RetryAsync(() => desk.ListAsync(user.UserId(), wanted, beforeId, take), idempotent: true, ct);
    }

    private static Task<SupportStats> StatsAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct) =>
        GrainCalls.RetryAsync(() => Desk(grains, id, "id").GetStatsAsync(user.UserId()), idempotent: true, ct);

    /// <summary>The caller, the desk and the conversation id of a <c>/support/conversations/{id}</c> route.</summary>
    private static async Task<(SupportCaller Caller, long CommunityId, long ConversationId)> ResolveAsync(
        string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var conversation = RouteIds.Parse(id, "id");
        var caller = SupportCallers.For(user, conversation);
        var community = SupportGuestTokens.CommunityOf(user)
            ?? await GrainCalls.RetryAsync(() => grains.GetGrain<ISupportConversationGrain>(conversation).GetCommunityIdAsync(), idempotent: true, ct)
            ?? throw ChaosException.NotFound("conversation");
        return (caller, community, conversation);
    }

    private static ISupportDeskGrain Desk(IGrainFactory grains, string id, string field) => grains.GetGrain<ISupportDeskGrain>(RouteIds.Parse(id, field));
}
