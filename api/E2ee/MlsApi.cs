using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Communities;
using Chaos.E2ee;
using Chaos.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chaos.Api.E2ee;

/// <summary>
/// <c>/channels/{id}/mls</c>: the Delivery Service of an e2ee channel (docs/api.md#end-to-end-encryption). The Channel grain
/// orders commits, proposals and welcomes in the channel's seq and checks epochs; replay serves devices that were offline.
/// </summary>
public static class MlsApi
{
    public static RouteGroupBuilder MapMlsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/channels/{id}/mls").WithTags("End-to-end encryption").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        group.MapPost("/", PostAsync).ProducesProblem(409);
        group.MapGet("/", ReplayAsync);
        return api;
    }

    private static async Task<Created<MlsPosted>> PostAsync(string id, MlsRequest request, HttpContext http, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var channel = grains.GetGrain<IChannelGrain>(RouteIds.Parse(id, "id"));
        var device = DeviceIds.Of(http);
        var payload = E2eeRules.DecodeBase64(request.Payload, E2eeRules.MaxMlsPayloadBytes, "payload", out var payloadError);
        var epoch = ParseEpoch(request.Epoch, out var epochError);
        new RequestValidator()
            .Check("kind", request.Kind is null ? "kind is required: \"commit\", \"proposal\" or \"welcome\"." : null)
            .Check("epoch", epochError)
            .Check("payload", payloadError)
            .Check(E2eeRules.DeviceHeader, device is null ? "Name the sending device with the deviceId header or query parameter." : null)
            .Check("recipientDeviceIds", request.RecipientDeviceIds is { Count: > E2eeRules.MaxWelcomeRecipients } ? $"A welcome names at most {E2eeRules.MaxWelcomeRecipients} devices." : null)
            .ThrowIfInvalid();
        var recipients = request.RecipientDeviceIds?.Select(r => RouteIds.Parse(r, "recipientDeviceIds")).ToList();
        var me = user.UserId();

        // Not retried: a commit that was accepted but whose answer was lost must not be offered again for the next epoch.
        var posted = await GrainCalls.RetryAsync(() => channel.PostMlsAsync(me, device!.Value, request.Kind!.Value, epoch, payload!, recipients), idempotent: false, ct);
        return TypedResults.Created($"/api/v1/channels/{id}/mls?after={posted.Seq - 1}", posted);
    }

    private static Task<IReadOnlyList<MlsMessage>> ReplayAsync(string id, [FromQuery] string? after, [FromQuery] int? limit, HttpContext http, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var channel = grains.GetGrain<IChannelGrain>(RouteIds.Parse(id, "id"));
        var device = DeviceIds.Of(http);
        var size = RouteIds.Limit(limit, E2eeRules.DefaultMlsPage, E2eeRules.MaxMlsPage);
        var afterSeq = 0L;
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out afterSeq))
        {
            throw ChaosException.Validation("after", "after is a seq: a whole number, 0 or more.");
        }

        var me = user.UserId();
        return GrainCalls.RetryAsync(() => channel.GetMlsAsync(me, device, afterSeq, size), idempotent: true, ct);
    }

    private static long ParseEpoch(JsonElement? value, out string? error)
    {
        error = null;
        switch (value)
        {
            case { ValueKind: JsonValueKind.Number } number when number.TryGetInt64(out var epoch) && epoch >= 0:
                return epoch;
            case { ValueKind: JsonValueKind.String } text when long.TryParse(text.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch):
                return epoch;
            case null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined }:
                error = "epoch is required.";
                return 0;
            default:
                error = "epoch must be a whole number, 0 or more.";
                return 0;
        }
    }
}
