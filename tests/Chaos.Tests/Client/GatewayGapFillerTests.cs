using Chaos.Client.Accounts;
using Chaos.Client.Gateway;
using Chaos.Client.Messages;

namespace Chaos.Tests.Client;

/// <summary>Gap filling without a server: history stands in as a list, raised messages are recorded.</summary>
public sealed class GatewayGapFillerTests
{
    private readonly List<Message> history = [.. Enumerable.Range(1, 250).Select(seq => Message(seq))];
    private readonly List<long> raised = [];
    private readonly List<string> failed = [];

    [Fact]
    public async Task Message_AfterASeqJump_IsRaisedAfterTheMissedOnes_EachOnce()
    {
        var gaps = Filler();

        await gaps.OnMessageCreatedAsync(history[0]);
        await gaps.OnMessageCreatedAsync(history[4]);
        await gaps.OnMessageCreatedAsync(history[2]);
        await gaps.OnMessageCreatedAsync(history[4]);

        raised.ShouldBe([1, 2, 3, 4, 5]);
        gaps.FilledFromHistory.ShouldBe(3);
    }

    [Fact]
    public async Task FreshConnection_FillsEveryTrackedChannelFromHistory_PageByPage()
    {
        var gaps = Filler();
        gaps.Track("1", 10, "10");

        await gaps.FillAllAsync();

        raised.ShouldBe([.. Enumerable.Range(11, 240).Select(seq => (long)seq)]);
        failed.ShouldBeEmpty();
    }

    [Fact]
    public async Task History_ThatCannotBeRead_IsReported_AndLiveMessagesContinue()
    {
        var gaps = new GatewayGapFiller(
            new ChaosGatewayOptions { GapFillTimeout = TimeSpan.Zero },
            (_, _, _) => Task.FromException<IReadOnlyList<Message>>(new HttpRequestException("forbidden")),
            message =>
            {
                raised.Add(message.Seq);
                return Task.CompletedTask;
            },
            (channelId, _) => failed.Add(channelId));

        await gaps.OnMessageCreatedAsync(history[0]);
        await gaps.OnMessageCreatedAsync(history[9]);

        failed.ShouldBe(["1"]);
        raised.ShouldBe([1, 10]);
    }

    [Fact]
    public async Task History_UnavailableForAWhile_IsRetried_BeforeTheNextMessageIsRaised()
    {
        var failures = 2;
        var gaps = new GatewayGapFiller(
            new ChaosGatewayOptions(),
            (_, after, limit) => Interlocked.Decrement(ref failures) >= 0
                ? Task.FromException<IReadOnlyList<Message>>(new HttpRequestException("front door restarting"))
                : Task.FromResult<IReadOnlyList<Message>>([.. history.Where(m => m.Seq > long.Parse(after, System.Globalization.CultureInfo.InvariantCulture)).Take(limit)]),
            message =>
            {
                raised.Add(message.Seq);
                return Task.CompletedTask;
            },
            (channelId, _) => failed.Add(channelId));

        await gaps.OnMessageCreatedAsync(history[0]);
        await gaps.OnMessageCreatedAsync(history[4]);

        raised.ShouldBe([1, 2, 3, 4, 5]);
        failed.ShouldBeEmpty();
    }

    private GatewayGapFiller Filler() => new(
        new ChaosGatewayOptions(),
        (_, after, limit) => Task.FromResult<IReadOnlyList<Message>>([.. history.Where(m => m.Seq > long.Parse(after, System.Globalization.CultureInfo.InvariantCulture)).Take(limit)]),
        message =>
        {
            raised.Add(message.Seq);
            return Task.CompletedTask;
        },
        (channelId, _) => failed.Add(channelId));

    private static Message Message(long seq) =>
        new(seq.ToString(System.Globalization.CultureInfo.InvariantCulture), "1", seq, new User("3", "someone", "Someone", DateTimeOffset.UnixEpoch),
            "hello", DateTimeOffset.UnixEpoch, null, null, null, [], [], 0);
}
