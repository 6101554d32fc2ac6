using System.Globalization;

namespace Chaos.Api.Gateway;

/// <summary>SignalR group names: one per stream a connection listens to.</summary>
public static class GatewayGroups
{
    public static string Channel(long id) => "c:" + id.ToString(CultureInfo.InvariantCulture);

    public static string Community(long id) => "g:" + id.ToString(CultureInfo.InvariantCulture);

    public static string User(long id) => "u:" + id.ToString(CultureInfo.InvariantCulture);
}
