using System.Globalization;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Hosting;

/// <summary>Command-line arguments for a standalone front door built in a test: free ports, warnings only, then <paramref name="extra"/>.</summary>
internal static class StandaloneArgs
{
    public static string[] With(params string[] extra) =>
    [
        "--urls=http://127.0.0.1:0",
        $"--Chaos:SiloPort={PostgresServer.FreeTcpPort().ToString(CultureInfo.InvariantCulture)}",
        $"--Chaos:GatewayPort={PostgresServer.FreeTcpPort().ToString(CultureInfo.InvariantCulture)}",
        "--Logging:LogLevel:Default=Warning",
        .. extra,
    ];
}
