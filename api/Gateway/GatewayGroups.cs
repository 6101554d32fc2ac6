using System.Globalization;

namespace Chaos.Api.Gateway;

/// <summary>SignalR group names: one per stream a connection listens to.</summary>
public static class GatewayGroups
{
    public static string Channel(long id) => "c:" + id.ToString(CultureInfo.InvariantCulture);

    public static string Community(long id) => "g:" + id.ToString(CultureInfo.InvariantCulture);

    public static string User(long id) => "u:" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The group of any stream: channel, community and user streams keep their short names above.</summary>
    public static string For(string ns, long key) => ns switch
    {
        Chaos.Hosting.ChaosProviders.ChannelNamespace => Channel(key),
        Chaos.Hosting.ChaosProviders.CommunityNamespace => Community(key),
        Chaos.Hosting.ChaosProviders.UserNamespace => User(key),
        _ => ns + ":" + key.ToString(CultureInfo.InvariantCulture),
    };
}
