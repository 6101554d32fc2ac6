using System.Net.Sockets;
using Chaos.Api.Hosting;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Hosting;

/// <summary>The front door refuses connections a reserve short of its open-file limit instead of running out of descriptors.</summary>
public sealed class ConnectionLimitTests
{
    private const string Limits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max processes             unlimited            unlimited            processes
        Max open files            20000                20000                files
        Max locked memory         8388608              8388608              bytes
        """;

    [Fact]
    public void TheDefault_IsTheOpenFileLimitLessTheReserve_AndConfigurationWins()
    {
        ConnectionLimit.OpenFileLimit(Limits).ShouldBe(20_000);
        ConnectionLimit.OpenFileLimit(Limits.Replace("20000                20000", "unlimited            unlimited", StringComparison.Ordinal)).ShouldBeNull();
        ConnectionLimit.OpenFileLimit("no such line").ShouldBeNull();

        var empty = new FrontDoorOptions();
        ConnectionLimit.Resolve(empty, Limits).ShouldBe(20_000 - ConnectionLimit.Reserve);
        ConnectionLimit.Resolve(empty, "no limits known").ShouldBeNull();
        ConnectionLimit.Resolve(empty, Limits.Replace("20000                20000", "1024                 1024 ", StringComparison.Ordinal)).ShouldBe(ConnectionLimit.MinimumDefault);
        var configured = new FrontDoorOptions { MaxConnections = 500 };
        ConnectionLimit.Resolve(configured, Limits).ShouldBe(500);
        ConnectionLimit.Split(16).ShouldBe((4L, 12L));
        ConnectionLimit.Split(18_976).ShouldBe((4_744L, 14_232L));
    }

    [Fact]
    public async Task ConnectionsBeyondTheLimit_AreRefused_AndTheFrontDoorServesAgainOnceTheyClose()
    {
        await using var server = await ChaosServer.StartAsync(null, new Dictionary<string, string?> { [ConnectionLimit.Key] = "16" });
        var (http, _) = ConnectionLimit.Split(16);
        var held = new List<TcpClient>();
        try
        {
            for (var i = 0; i < http; i++)
            {
                var socket = new TcpClient();
                await socket.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
                held.Add(socket);
            }

            // Every HTTP slot is taken by an idle socket: a new connection is closed at once, the process lives on.
            await Eventually.ReturnsAsync(ProbeAsync, ok => !ok, TimeSpan.FromSeconds(20), "a connection over the limit to be refused");
        }
        finally
        {
            foreach (var socket in held)
            {
                socket.Dispose();
            }
        }

        await Eventually.ReturnsAsync(ProbeAsync, ok => ok, TimeSpan.FromSeconds(20), "the front door to serve again");

        async Task<bool> ProbeAsync()
        {
            using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { BaseAddress = server.BaseAddress };
            try
            {
                return (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }
    }
}
