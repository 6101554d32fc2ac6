using Chaos.Api.Hosting;
using Chaos.Hosting;
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
        List<string> extra = [];
        if (channelEvents is not null)
        {
            extra.Add($"--Chaos:Streams:ChannelEvents={channelEvents}");
        }

        if (pullPeriod is not null)
        {
            extra.Add($"--Chaos:Streams:PullPeriodMilliseconds={pullPeriod}");
        }

        await using var app = await ChaosApplication.CreateAsync(StandaloneArgs.With([.. extra]));

        var agent = app.Services.GetRequiredService<IOptionsMonitor<StreamPullingAgentOptions>>().Get(ChaosProviders.Streams);
        agent.GetQueueMsgsTimerPeriod.ShouldBe(TimeSpan.FromMilliseconds(expectedMilliseconds));
    }
}
