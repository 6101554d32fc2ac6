using Chaos.Accounts;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Ids;
using Chaos.Relationships;

namespace Chaos.E2ee;

/// <summary>
/// One user's MLS directory (docs/architecture.md#end-to-end-encryption). Registration, removal and uploads are serialized
/// here, which keeps the per-user and per-device bounds exact; claims interleave and race in the store, whose row locks
/// make every one-time key package go to exactly one claimer. The device list is cached (at most ten entries).
/// </summary>
internal sealed class UserDevicesGrain(IE2eeStore store, IUserDirectory users, IIdGenerator ids, TimeProvider time) : Grain, IUserDevicesGrain
{
    private List<Device>? devices;

    private long UserId => this.GetPrimaryKeyLong();

    public async Task<Device> RegisterAsync(string name, byte[] identityKey, byte[] credential)
    {
        ChaosException.ThrowIfInvalid("name", E2eeRules.CheckDeviceName(name));
        if (identityKey is not { Length: > 0 and <= E2eeRules.MaxIdentityKeyBytes })
        {
            throw ChaosException.Validation("identityKey", $"identityKey is 1–{E2eeRules.MaxIdentityKeyBytes} bytes.");
        }

        if (credential is not { Length: > 0 and <= E2eeRules.MaxCredentialBytes })
        {
            throw ChaosException.Validation("credential", $"credential is 1–{E2eeRules.MaxCredentialBytes} bytes.");
        }

        var list = await DevicesAsync();
        if (list.Count >= E2eeRules.MaxDevicesPerUser)
        {
            throw new ChaosException(ErrorCodes.Conflict, $"A user has at most {E2eeRules.MaxDevicesPerUser} devices; remove one first.");
        }

        if ((await users.GetManyAsync([UserId])).Count == 0)
        {
            throw ChaosException.NotFound("user");
        }

        var now = time.GetUtcNow();
        var device = new Device(ids.NextId(), UserId, name.Trim(), identityKey, credential, new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero));
        await store.AddDeviceAsync(device, CancellationToken.None);
        list.Add(device);
        return device;
    }

    public async Task RemoveAsync(long deviceId)
    {
        var list = await DevicesAsync();
        if (!await store.RemoveDeviceAsync(UserId, deviceId, CancellationToken.None))
        {
            throw ChaosException.NotFound("device");
        }

        list.RemoveAll(d => d.Id == deviceId);
    }

    public async Task<IReadOnlyList<Device>> ListAsync(long viewerId)
    {
        await RequireVisibleAsync(viewerId);
        return [.. await DevicesAsync()];
    }

    public async Task<KeyPackageCount> UploadKeyPackagesAsync(long deviceId, IReadOnlyList<byte[]> keyPackages, byte[]? lastResort)
    {
        ArgumentNullException.ThrowIfNull(keyPackages);
        await RequireDeviceAsync(deviceId);
        if (keyPackages.Count == 0 && lastResort is null)
        {
            throw ChaosException.Validation("keyPackages", "Upload at least one key package or a last-resort package.");
        }

        for (var i = 0; i < keyPackages.Count; i++)
        {
            if (keyPackages[i] is not { Length: > 0 and <= E2eeRules.MaxKeyPackageBytes })
            {
                throw ChaosException.Validation("keyPackages", $"Each key package is 1–{E2eeRules.MaxKeyPackageBytes} bytes.");
            }
        }

        if (lastResort is { Length: 0 or > E2eeRules.MaxKeyPackageBytes })
        {
            throw ChaosException.Validation("lastResort", $"The last-resort package is 1–{E2eeRules.MaxKeyPackageBytes} bytes.");
        }

        // Claims only ever lower the count, so checking before adding cannot let a device exceed the bound.
        var before = await store.CountKeyPackagesAsync(deviceId, CancellationToken.None);
        if (before.Count + keyPackages.Count > E2eeRules.MaxKeyPackagesPerDevice)
        {
            throw new ChaosException(
                ErrorCodes.Conflict,
                $"A device has at most {E2eeRules.MaxKeyPackagesPerDevice} key packages outstanding; it has {before.Count}.");
        }

        await store.AddKeyPackagesAsync(deviceId, [.. keyPackages.Select(k => (ids.NextId(), k))], lastResort, CancellationToken.None);
        return await store.CountKeyPackagesAsync(deviceId, CancellationToken.None);
    }

    public async Task<KeyPackageCount> CountKeyPackagesAsync(long deviceId)
    {
        await RequireDeviceAsync(deviceId);
        return await store.CountKeyPackagesAsync(deviceId, CancellationToken.None);
    }

    public async Task<IReadOnlyList<ClaimedKeyPackage>> ClaimAsync(long claimerId)
    {
        await RequireVisibleAsync(claimerId);
        var claimed = new List<ClaimedKeyPackage>();
        foreach (var device in (await DevicesAsync()).ToList())
        {
            if (await store.ClaimKeyPackageAsync(device.Id, CancellationToken.None) is { } keyPackage)
            {
                claimed.Add(new ClaimedKeyPackage(device.Id, keyPackage));
            }
        }

        return claimed;
    }

    public async Task RequireDeviceAsync(long deviceId)
    {
        if (!(await DevicesAsync()).Exists(d => d.Id == deviceId))
        {
            throw ChaosException.NotFound("device");
        }
    }

    /// <summary>
    /// The owner, a friend, or someone who shares a community or a DM/group with this user may see their devices and claim
    /// their key packages; a block either way hides them. Every refusal reads alike.
    /// </summary>
    private async Task RequireVisibleAsync(long viewerId)
    {
        if (viewerId == UserId)
        {
            return;
        }

        var owner = GrainFactory.GetGrain<IUserGrain>(UserId);
        var viewer = GrainFactory.GetGrain<IUserGrain>(viewerId);
        var towardsViewer = await owner.GetRelationshipAsync(viewerId);
        var towardsOwner = await viewer.GetRelationshipAsync(UserId);
        var visible = towardsViewer != RelationshipType.Blocked && towardsOwner != RelationshipType.Blocked
            && (towardsViewer == RelationshipType.Friend
                || (await owner.GetCommunityIdsAsync()).Intersect(await viewer.GetCommunityIdsAsync()).Any()
                || (await owner.GetPrivateChannelIdsAsync()).Intersect(await viewer.GetPrivateChannelIdsAsync()).Any());
        if (!visible)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "You share no community, DM or friendship with this user.");
        }
    }

    private async Task<List<Device>> DevicesAsync() =>
        devices ??= [.. await store.GetDevicesAsync(UserId, CancellationToken.None)];
}
