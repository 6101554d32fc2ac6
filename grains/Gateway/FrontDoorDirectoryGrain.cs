namespace Chaos.Gateway;

/// <summary>The cluster's front doors under leases (see <see cref="IFrontDoorDirectoryGrain"/>); bounded by <see cref="MaxFrontDoors"/>.</summary>
internal sealed class FrontDoorDirectoryGrain(TimeProvider time) : Grain, IFrontDoorDirectoryGrain
{
    private const int MaxFrontDoors = 1000;

    private readonly Dictionary<string, (IFrontDoorObserver Observer, DateTimeOffset ExpiresAt)> frontDoors = [];
    private readonly DateTimeOffset activatedAt = time.GetUtcNow();

    public Task<bool> RegisterAsync(string frontDoorId, IFrontDoorObserver observer, int leaseSeconds)
    {
        var now = time.GetUtcNow();
        Expire(now);
        var known = frontDoors.ContainsKey(frontDoorId);
        if (frontDoors.Count < MaxFrontDoors || known)
        {
            frontDoors[frontDoorId] = (observer, now.AddSeconds(Math.Clamp(leaseSeconds, 1, 600)));
        }

        return Task.FromResult(known);
    }

    public Task UnregisterAsync(string frontDoorId)
    {
        frontDoors.Remove(frontDoorId);
        return Task.CompletedTask;
    }

    public Task<Dictionary<string, IFrontDoorObserver>> GetAsync()
    {
        Expire(time.GetUtcNow());
        return Task.FromResult(frontDoors.ToDictionary(f => f.Key, f => f.Value.Observer));
    }

    public Task<FrontDoorLiveness> GetLivenessAsync()
    {
        var now = time.GetUtcNow();
        Expire(now);
        return Task.FromResult(new FrontDoorLiveness([.. frontDoors.Keys], now - activatedAt));
    }

    private void Expire(DateTimeOffset now)
    {
        foreach (var (id, entry) in frontDoors.ToList())
        {
            if (entry.ExpiresAt <= now)
            {
                frontDoors.Remove(id);
            }
        }
    }
}
