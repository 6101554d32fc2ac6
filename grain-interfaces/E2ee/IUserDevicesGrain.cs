using Orleans.Concurrency;

namespace Chaos.E2ee;

/// <summary>
/// The MLS directory of one user, keyed by user id: their devices (at most <see cref="E2eeRules.MaxDevicesPerUser"/>) and
/// the key packages each has published. The server only stores and hands out what clients made; it holds no private key.
/// </summary>
public interface IUserDevicesGrain : IGrainWithIntegerKey
{
    Task<Device> RegisterAsync(string name, byte[] identityKey, byte[] credential);

    /// <summary>Removes the device and every key package it published.</summary>
    Task RemoveAsync(long deviceId);

    /// <summary>The devices, oldest first, as <paramref name="viewerId"/> may see them (the owner, a friend, or someone sharing a community or a DM).</summary>
    Task<IReadOnlyList<Device>> ListAsync(long viewerId);

    /// <summary>Adds one-time key packages (at most <see cref="E2eeRules.MaxKeyPackagesPerDevice"/> outstanding) and optionally replaces the last-resort one.</summary>
    Task<KeyPackageCount> UploadKeyPackagesAsync(long deviceId, IReadOnlyList<byte[]> keyPackages, byte[]? lastResort);

    Task<KeyPackageCount> CountKeyPackagesAsync(long deviceId);

    /// <summary>
    /// One key package per device of this user for <paramref name="claimerId"/>, each handed out at most once (the store
    /// takes it with a row lock that concurrent claims skip); a device with none left answers its last-resort package.
    /// Interleaves: claims of many users at once are ordered by the store, not by this grain.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<ClaimedKeyPackage>> ClaimAsync(long claimerId);

    /// <summary>Throws <c>not_found</c> unless <paramref name="deviceId"/> is a device of this user.</summary>
    [AlwaysInterleave]
    Task RequireDeviceAsync(long deviceId);
}
