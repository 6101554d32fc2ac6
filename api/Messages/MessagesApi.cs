using System.Security.Claims;
using Chaos.Api.Auth;
using Chaos.Api.Blobs;
using Chaos.Api.Errors;
using Chaos.Api.RateLimits;
using Chaos.Communities;
using Chaos.E2ee;
using Chaos.Errors;
using Chaos.Messages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chaos.Api.Messages;

/// <summary><c>/api/v1/channels/{id}/messages</c>, typing and read state. The Channel grain decides and orders.</summary>
public static class MessagesApi
{
    public static RouteGroupBuilder MapMessagesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/channels/{id}").WithTags("Messages").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        group.MapPost("/messages", SendAsync).ProducesProblem(429).WithMetadata(new RateLimitBucket(RateLimiter.MessagesBucket));
        group.MapGet("/messages", HistoryAsync);
        group.MapGet("/messages/{messageId}", GetAsync);
        group.MapPatch("/messages/{messageId}", EditAsync);
        group.MapDelete("/messages/{messageId}", DeleteAsync);
        group.MapPost("/typing", TypingAsync);
        group.MapPut("/read-state", ReadStateAsync);
        return api;
    }

    private static async Task<Created<Message>> SendAsync(string id, MessageRequest request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        if (request.Ciphertext is not null)
        {
            return await SendCiphertextAsync(id, request, user, grains, ct);
        }

        new RequestValidator()
            .Check("content", MessageRules.CheckContent(request.Content))
            .Check("nonce", MessageRules.CheckNonce(request.Nonce))
            .ThrowIfInvalid();
        var replyTo = RouteIds.ParseOptional(request.ReplyToId, "replyToId");
        var channel = Channel(grains, id);
        var me = user.UserId();
        var message = await GrainCalls.RetryAsync(() => channel.SendMessageAsync(me, request.Content!, request.Nonce, replyTo), idempotent: request.Nonce is not null, ct);
        return TypedResults.Created($"/api/v1/channels/{id}/messages/{message.Id}", message);
    }

    /// <summary>An encrypted message of an e2ee channel (docs/api.md#end-to-end-encryption): ciphertext only, never content.</summary>
    private static async Task<Created<Message>> SendCiphertextAsync(string id, MessageRequest request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var ciphertext = E2eeRules.DecodeBase64(request.Ciphertext, E2eeRules.MaxCiphertextBytes, "ciphertext", out var error);
        new RequestValidator()
            .Check("ciphertext", error)
            .Check("content", string.IsNullOrEmpty(request.Content) ? null : "An encrypted message carries ciphertext and no content.")
            .Check("nonce", MessageRules.CheckNonce(request.Nonce))
            .ThrowIfInvalid();
        var replyTo = RouteIds.ParseOptional(request.ReplyToId, "replyToId");
        var channel = Channel(grains, id);
        var me = user.UserId();
        var message = await GrainCalls.RetryAsync(() => channel.SendCiphertextAsync(me, ciphertext!, request.Nonce, replyTo), idempotent: request.Nonce is not null, ct);
        return TypedResults.Created($"/api/v1/channels/{id}/messages/{message.Id}", message);
    }

    private static Task<IReadOnlyList<Message>> HistoryAsync(string id, [FromQuery] string? before, [FromQuery] string? after, [FromQuery] int? limit, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        if (before is not null && after is not null)
        {
            throw ChaosException.Validation("before", "Give before or after, not both.");
        }

        var beforeId = RouteIds.ParseOptional(before, "before");
        var afterId = RouteIds.ParseOptional(after, "after");
        var size = RouteIds.Limit(limit, CommunityRules.DefaultPageSize, CommunityRules.MaxPageSize);
        var channel = Channel(grains, id);
        var me = user.UserId();
        return GrainCalls.RetryAsync(() => channel.GetMessagesAsync(me, beforeId, afterId, size), idempotent: true, ct);
    }

    private static Task<Message> GetAsync(string id, string messageId, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var message = RouteIds.Parse(messageId, "messageId");
        var channel = Channel(grains, id);
        var me = user.UserId();
        return GrainCalls.RetryAsync(() => channel.GetMessageAsync(me, message), idempotent: true, ct);
    }

    private static Task<Message> EditAsync(string id, string messageId, MessageRequest request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        new RequestValidator()
            .Check("content", MessageRules.CheckContent(request.Content))
            .Check("nonce", request.Nonce is null ? null : "A nonce cannot be edited.")
            .Check("replyToId", request.ReplyToId is null ? null : "replyToId cannot be edited.")
            .ThrowIfInvalid();
        var message = RouteIds.Parse(messageId, "messageId");
        var channel = Channel(grains, id);
        var me = user.UserId();
        return GrainCalls.RetryAsync(() => channel.EditMessageAsync(me, message, request.Content!), idempotent: true, ct);
    }

    private static async Task<NoContent> DeleteAsync(string id, string messageId, ClaimsPrincipal user, IGrainFactory grains, IBlobStore blobs, CancellationToken ct)
    {
        var message = RouteIds.Parse(messageId, "messageId");
        var channel = Channel(grains, id);
        var me = user.UserId();
        var attachments = await GrainCalls.RetryAsync(() => channel.DeleteMessageAsync(me, message), idempotent: false, ct);
        foreach (var attachment in attachments)
        {
            // The message row is gone first, so a crash here leaves bytes nobody can reach through a message; their
            // download still needs ViewChannel (docs/architecture.md#blobs).
            await blobs.DeleteWithThumbnailAsync(attachment, CancellationToken.None);
        }

        return TypedResults.NoContent();
    }

    private static async Task<NoContent> TypingAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var channel = Channel(grains, id);
        var me = user.UserId();
        await GrainCalls.RetryAsync(() => channel.StartTypingAsync(me), idempotent: true, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> ReadStateAsync(string id, ReadStateRequest request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var message = RouteIds.Parse(request.LastReadMessageId, "lastReadMessageId");
        var channel = Channel(grains, id);
        var me = user.UserId();
        await GrainCalls.RetryAsync(() => channel.AckAsync(me, message), idempotent: true, ct);
        return TypedResults.NoContent();
    }

    private static IChannelGrain Channel(IGrainFactory grains, string id) => grains.GetGrain<IChannelGrain>(RouteIds.Parse(id, "id"));
}
