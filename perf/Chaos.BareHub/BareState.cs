using System.Collections.Concurrent;

namespace Chaos.BareHub;

/// <summary>Everything the bare hub knows, in memory: users by name and token, rooms, invites, live connections.</summary>
internal sealed class BareState
{
    private long next = 1_000_000;

    public ConcurrentDictionary<string, BareUser> UsersByName { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, BareUser> UsersByToken { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<long, BareRoom> Rooms { get; } = new();

    public ConcurrentDictionary<long, BareRoom> RoomsByChannel { get; } = new();

    public ConcurrentDictionary<string, BareRoom> Invites { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<long, ConcurrentDictionary<string, bool>> Connections { get; } = new();

    public long NextId() => Interlocked.Increment(ref next);

    public BareUser? Authenticate(string? header)
    {
        var token = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..] : header;
        return token is not null && UsersByToken.TryGetValue(token, out var user) ? user : null;
    }
}
