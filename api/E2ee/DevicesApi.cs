using System.Security.Claims;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.E2ee;
using Chaos.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chaos.Api.E2ee;

/// <summary>
/// The MLS directory (docs/api.md#end-to-end-encryption): devices with their public identity keys and credentials, and the
/// key packages others claim to add them to a group. Everything here is public key material; no private key ever arrives.
/// </summary>
public static class DevicesApi
{
    public static RouteGroupBuilder MapDevicesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("End-to-end encryption").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        group.MapPost("/@me/devices", RegisterAsync).ProducesProblem(409);
        group.MapGet("/{id}/devices", ListAsync);
        group.MapDelete("/@me/devices/{deviceId}", RemoveAsync);
        group.MapPost("/@me/devices/{deviceId}/key-packages", UploadAsync).ProducesProblem(409);
        group.MapGet("/@me/devices/{deviceId}/key-packages/count", CountAsync);
        group.MapPost("/{id}/key-packages/claim", ClaimAsync);
        return api;
    }

    private static async Task<Created<Device>> RegisterAsync(DeviceRequest request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var identityKey = E2eeRules.DecodeBase64(request.IdentityKey, E2eeRules.MaxIdentityKeyBytes, "identityKey", out var keyError);
        var credential = E2eeRules.DecodeBase64(request.Credential, E2eeRules.MaxCredentialBytes, "credential", out var credentialError);
        new RequestValidator()
            .Check("name", E2eeRules.CheckDeviceName(request.Name))
            .Check("identityKey", keyError)
            .Check("credential", credentialError)
            .ThrowIfInvalid();
        var me = user.UserId();
        var device = await GrainCalls.RetryAsync(() => grains.GetGrain<IUserDevicesGrain>(me).RegisterAsync(request.Name!, identityKey!, credential!), idempotent: false, ct);
        return TypedResults.Created($"/api/v1/users/@me/devices/{device.Id}", device);
    }

    private static Task<IReadOnlyList<Device>> ListAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var me = user.UserId();
        var owner = id == "@me" ? me : RouteIds.Parse(id, "id");
        return GrainCalls.RetryAsync(() => grains.GetGrain<IUserDevicesGrain>(owner).ListAsync(me), idempotent: true, ct);
    }

    private static async Task<NoContent> RemoveAsync(string deviceId, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var device = RouteIds.Parse(deviceId, "deviceId");
        var me = user.UserId();
        await GrainCalls.RetryAsync(() => grains.GetGrain<IUserDevicesGrain>(me).RemoveAsync(device), idempotent: false, ct);
        return TypedResults.NoContent();
    }

    private static Task<KeyPackageCount> UploadAsync(string deviceId, KeyPackagesRequest request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var device = RouteIds.Parse(deviceId, "deviceId");
        var raw = request.KeyPackages ?? [];
        if (raw.Count > E2eeRules.MaxKeyPackagesPerDevice)
        {
            throw ChaosException.Validation("keyPackages", $"At most {E2eeRules.MaxKeyPackagesPerDevice} key packages per upload.");
        }

        var packages = new List<byte[]>(raw.Count);
        foreach (var item in raw)
        {
            var decoded = E2eeRules.DecodeBase64(item, E2eeRules.MaxKeyPackageBytes, "keyPackages", out var error);
            ChaosException.ThrowIfInvalid("keyPackages", error);
            packages.Add(decoded!);
        }

        byte[]? lastResort = null;
        if (request.LastResort is not null)
        {
            lastResort = E2eeRules.DecodeBase64(request.LastResort, E2eeRules.MaxKeyPackageBytes, "lastResort", out var error);
            ChaosException.ThrowIfInvalid("lastResort", error);
        }

        var me = user.UserId();
        return GrainCalls.RetryAsync(() => grains.GetGrain<IUserDevicesGrain>(me).UploadKeyPackagesAsync(device, packages, lastResort), idempotent: false, ct);
    }

    private static Task<KeyPackageCount> CountAsync(string deviceId, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var device = RouteIds.Parse(deviceId, "deviceId");
        var me = user.UserId();
        return GrainCalls.RetryAsync(() => grains.GetGrain<IUserDevicesGrain>(me).CountKeyPackagesAsync(device), idempotent: true, ct);
    }

    private static Task<IReadOnlyList<ClaimedKeyPackage>> ClaimAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var me = user.UserId();
        var owner = id == "@me" ? me : RouteIds.Parse(id, "id");
        // Not retried: a retry after a lost answer would consume a second package per device.
        return GrainCalls.RetryAsync(() => grains.GetGrain<IUserDevicesGrain>(owner).ClaimAsync(me), idempotent: false, ct);
    }
}
