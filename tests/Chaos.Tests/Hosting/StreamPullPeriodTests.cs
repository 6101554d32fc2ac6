using System.Globalization;
using Chaos.Api.Hosting;
using Chaos.Hosting;
using Chaos.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Chaos.Tests.Hosting;

/// <summary>
/// The stream pulling agents' period (their pause after an empty read) the silo really runs with: slower by default when channel messages are pushed
/// (what is left on streams does not need milliseconds, and every tick costs an idle silo CPU), fast when messages still
/// travel on streams, and whatever the operator sets (docs/architecture.md#stream-queues).
/// </summary>
public sealed class StreamPullPeriodTests
{
    [Theory]
    [InlineData(null, null, 50)]
    [InlineData("stream", null, 10)]
    [InlineData("push", "25", 25)]
    [InlineData("stream", "200", 200)]
    public async Task ThePullingAgentsPeriod_FollowsTheChannelEventPath_UnlessSet(string? channelEvents, string? pullPeriod, int expectedMilliseconds)
    {
        List<string> args =
        [
            "--urls=http://127.0.0.1:0",
            $"--Chaos:SiloPort={PostgresServer.FreeTcpPort().ToString(CultureInfo.InvariantCulture)}",
            $"--Chaos:GatewayPort={PostgresServer.FreeTcpPort().ToString(CultureInfo.InvariantCulture)}",
            "--Logging:LogLevel:Default=Warning",
        ];
        if (channelEvents is not null)
        {
            args.Add($"--Chaos:Streams:ChannelEvents={channelEvents}");
        }

        if (pullPeriod is not null)
        {
            args.Add($"--Chaos:Streams:PullPeriodMilliseconds={pullPeriod}");
        }

        await using var app = await ChaosApplication.CreateAsync([.. args]);

        var agent = app.Services.GetRequiredService<IOptionsMonitor<StreamPullingAgentOptions>>().Get(ChaosProviders.Streams);
        agent.GetQueueMsgsTimerPeriod.ShouldBe(TimeSpan.FromMilliseconds(expectedMilliseconds));
    }
}
