namespace Chaos.E2ee;

/// <summary>The standalone mode's device and key-package store: one lock makes every claim take a distinct package.</summary>
public sealed class InMemoryE2eeStore : IE2eeStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, Device> devices = [];
    private readonly Dictionary<long, Queue<byte[]>> packages = [];
    private readonly Dictionary<long, byte[]> lastResorts = [];

    public Task AddDeviceAsync(Device device, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(device);
        lock (gate)
        {
            devices[device.Id] = device;
        }

        return Task.CompletedTask;
    }

    public Task<bool> RemoveDeviceAsync(long userId, long deviceId, CancellationToken ct)
    {
        lock (gate)
        {
            if (!devices.TryGetValue(deviceId, out var device) || device.UserId != userId)
            {
                return Task.FromResult(false);
            }

            devices.Remove(deviceId);
            packages.Remove(deviceId);
            lastResorts.Remove(deviceId);
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<Device>> GetDevicesAsync(long userId, CancellationToken ct)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<Device>>([.. devices.Values.Where(d => d.UserId == userId).OrderBy(d => d.Id)]);
        }
    }

    public Task<IReadOnlyList<Device>> FindDevicesAsync(IReadOnlyCollection<long> deviceIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<Device>>([.. deviceIds.Distinct().Select(devices.GetValueOrDefault).OfType<Device>()]);
        }
    }

    public Task AddKeyPackagesAsync(long deviceId, IReadOnlyList<(long Id, byte[] KeyPackage)> keyPackages, byte[]? lastResort, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keyPackages);
        lock (gate)
        {
            if (!packages.TryGetValue(deviceId, out var queue))
            {
                queue = new Queue<byte[]>();
                packages[deviceId] = queue;
            }

            foreach (var (_, keyPackage) in keyPackages)
            {
                queue.Enqueue(keyPackage);
            }

            if (lastResort is not null)
            {
                lastResorts[deviceId] = lastResort;
            }
        }

        return Task.CompletedTask;
    }

    public Task<KeyPackageCount> CountKeyPackagesAsync(long deviceId, CancellationToken ct)
    {
        lock (gate)
        {
            return Task.FromResult(new KeyPackageCount(deviceId, packages.GetValueOrDefault(deviceId)?.Count ?? 0, lastResorts.ContainsKey(deviceId)));
        }
    }

    public Task<byte[]?> ClaimKeyPackageAsync(long deviceId, CancellationToken ct)
    {
        lock (gate)
        {
            if (packages.TryGetValue(deviceId, out var queue) && queue.TryDequeue(out var keyPackage))
            {
                return Task.FromResult<byte[]?>(keyPackage);
            }

            return Task.FromResult(lastResorts.GetValueOrDefault(deviceId));
        }
    }
}
