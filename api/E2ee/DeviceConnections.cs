using System.Collections.Concurrent;

namespace Chaos.Api.E2ee;

/// <summary>
/// Which local gateway connections speak for which device (the <c>deviceId</c> they connected with), so a welcome reaches
/// exactly the devices it names (docs/architecture.md#end-to-end-encryption). Device ids are unique across users.
/// </summary>
public sealed class DeviceConnections
{
    private readonly ConcurrentDictionary<string, long> deviceOf = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, byte>> connectionsOf = new();

    public void Add(string connectionId, long deviceId)
    {
        deviceOf[connectionId] = deviceId;
        connectionsOf.GetOrAdd(deviceId, static _ => new(StringComparer.Ordinal))[connectionId] = 0;
    }

    public void Remove(string connectionId)
    {
        if (deviceOf.TryRemove(connectionId, out var deviceId) && connectionsOf.TryGetValue(deviceId, out var set))
        {
            set.TryRemove(connectionId, out _);
            if (set.IsEmpty)
            {
                // A connection added between the check and the removal re-creates its set in Add.
                connectionsOf.TryRemove(new KeyValuePair<long, ConcurrentDictionary<string, byte>>(deviceId, set));
            }
        }
    }

    public long? DeviceOf(string connectionId) => deviceOf.TryGetValue(connectionId, out var id) ? id : null;

    /// <summary>The local connections of any of <paramref name="deviceIds"/>.</summary>
    public IReadOnlyList<string> ConnectionsOf(IEnumerable<long> deviceIds)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var list = new List<string>();
        foreach (var id in deviceIds)
        {
            if (connectionsOf.TryGetValue(id, out var set))
            {
                list.AddRange(set.Keys);
            }
        }

        return list;
    }
}
