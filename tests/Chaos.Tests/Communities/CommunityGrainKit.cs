using Chaos.Accounts;
using Chaos.Communities;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Communities;

/// <summary>What the tests that call community grains directly (not through REST) need: ids, users and a channel's shape.</summary>
internal static class CommunityGrainKit
{
    public static long NewId() => Random.Shared.NextInt64(1L << 40, long.MaxValue);

    /// <summary>A well-formed invite code for direct grain calls (the front door would make a tagged one).</summary>
    public static string NewInviteCode() =>
        System.Security.Cryptography.RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", Chaos.Communities.InviteKey.CodeLength);

    /// <summary>Users must exist in the user directory for member and ban listings, exactly as registration makes them.</summary>
    public static async Task<long> RegisterAsync(IGrainFactory grains, string prefix)
    {
        var id = NewId();
        await grains.GetGrain<IUsernameGrain>(UsernameKey.For(TestUser.UniqueName(prefix))).RegisterAsync(id, prefix, "password-123");
        return id;
    }

    public static string Describe(Channel c) =>
        $"{c.Id}|{c.Type}|{c.CommunityId}|{c.Name}|{c.Topic}|{c.Position}|{string.Join(";", c.Overwrites.Select(o => $"{o.Id}:{o.Type}:{o.Allow}:{o.Deny}"))}";
}
