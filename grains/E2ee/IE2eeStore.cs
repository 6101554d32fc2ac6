namespace Chaos.E2ee;

/// <summary>
/// Devices and their key packages (PostgreSQL, or memory standalone). A one-time key package is handed out at most once,
/// however many claims race for it (docs/architecture.md#end-to-end-encryption).
/// </summary>
public interface IE2eeStore
{
    Task AddDeviceAsync(Device device, CancellationToken ct);

    /// <summary>Removes the device of <paramref name="userId"/> and its key packages; false when it was not theirs.</summary>
    Task<bool> RemoveDeviceAsync(long userId, long deviceId, CancellationToken ct);

    /// <summary>The user's devices, oldest first.</summary>
    Task<IReadOnlyList<Device>> GetDevicesAsync(long userId, CancellationToken ct);

    /// <summary>Those of <paramref name="deviceIds"/> that exist (of any user).</summary>
    Task<IReadOnlyList<Device>> FindDevicesAsync(IReadOnlyCollection<long> deviceIds, CancellationToken ct);

    /// <summary>Adds one-time packages (ids chosen by the caller) and, when given, replaces the last-resort package.</summary>
    Task AddKeyPackagesAsync(long deviceId, IReadOnlyList<(long Id, byte[] KeyPackage)> keyPackages, byte[]? lastResort, CancellationToken ct);

    Task<KeyPackageCount> CountKeyPackagesAsync(long deviceId, CancellationToken ct);

    /// <summary>
    /// Takes the device's oldest one-time package (a row another claim holds is skipped, never waited for or shared); when
    /// none is left, its last-resort package, which is not consumed; null when it has neither.
    /// </summary>
    Task<byte[]?> ClaimKeyPackageAsync(long deviceId, CancellationToken ct);
}
