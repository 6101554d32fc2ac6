using Chaos.Messages;

namespace Chaos.Tests.Messages;

/// <summary>
/// The behaviour every reaction, pin, search and notification-settings store must have; run once per storage (the
/// PostgreSQL stores and the in-memory ones of standalone mode).
/// </summary>
public abstract class MessageExtrasStoreBehaviour
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static long lastUser = Random.Shared.NextInt64(1L << 30, 1L << 40);

    protected abstract IMessageStore Messages { get; }

    protected abstract IReactionStore Reactions { get; }

    protected abstract IPinStore Pins { get; }

    protected abstract IMessageSearch Search { get; }

    protected abstract INotificationSettingsStore Settings { get; }

    private static long FreshUser() => Interlocked.Add(ref lastUser, 10);

    [Fact]
    public async Task Reactions_CountPerEmojiInFirstUseOrder_WithMeForTheViewer()
    {
        var channel = new TestChannel();
        var message = channel.Next();
        var (ada, bob) = (FreshUser(), FreshUser());

        (await Reactions.AddAsync(channel.Id, message.Id, "👍", ada, TestChannel.BaseTime)).ShouldBeTrue();
        (await Reactions.AddAsync(channel.Id, message.Id, "👍", ada, TestChannel.BaseTime.AddSeconds(1))).ShouldBeFalse();
        (await Reactions.AddAsync(channel.Id, message.Id, "🎉", bob, TestChannel.BaseTime.AddSeconds(2))).ShouldBeTrue();
        (await Reactions.AddAsync(channel.Id, message.Id, "👍", bob, TestChannel.BaseTime.AddSeconds(3))).ShouldBeTrue();

        var forAda = await Reactions.GetSummariesAsync([message.Id, message.Id + 1], ada);
        forAda.Keys.ShouldBe([message.Id]);
        forAda[message.Id].ShouldBe([new Reaction("👍", 2, true), new Reaction("🎉", 1, false)]);
        (await Reactions.GetSummariesAsync([message.Id], bob))[message.Id].ShouldBe([new Reaction("👍", 2, true), new Reaction("🎉", 1, true)]);
        (await Reactions.GetEmojiAsync(message.Id)).ShouldBe(["👍", "🎉"]);
    }

    [Fact]
    public async Task Reactions_RemoveAndDeleteMessage_TakeThemAway()
    {
        var channel = new TestChannel();
        var message = channel.Next();
        var (ada, bob) = (FreshUser(), FreshUser());
        await Reactions.AddAsync(channel.Id, message.Id, "👍", ada, TestChannel.BaseTime);
        await Reactions.AddAsync(channel.Id, message.Id, "🎉", bob, TestChannel.BaseTime.AddSeconds(1));

        (await Reactions.RemoveAsync(message.Id, "👍", bob)).ShouldBeFalse();
        (await Reactions.RemoveAsync(message.Id, "👍", ada)).ShouldBeTrue();
        (await Reactions.GetEmojiAsync(message.Id)).ShouldBe(["🎉"]);

        await Reactions.DeleteMessageAsync(message.Id);
        (await Reactions.GetSummariesAsync([message.Id], ada)).ShouldBeEmpty();
        (await Reactions.GetEmojiAsync(message.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ReactionUsers_PageByUserIdAscending()
    {
        var channel = new TestChannel();
        var message = channel.Next();
        var users = Enumerable.Range(0, 5).Select(_ => FreshUser()).ToList();
        foreach (var user in Enumerable.Reverse(users))
        {
            await Reactions.AddAsync(channel.Id, message.Id, "❤️", user, TestChannel.BaseTime);
        }

        (await Reactions.GetUsersAsync(message.Id, "❤️", 0, 3)).ShouldBe(users.Take(3));
        (await Reactions.GetUsersAsync(message.Id, "❤️", users[2], 3)).ShouldBe(users.Skip(3));
        (await Reactions.GetUsersAsync(message.Id, "👍", 0, 3)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Pins_AreNewestFirst_AndPinningTwiceChangesNothing()
    {
        var channel = new TestChannel();
        var (first, second) = (channel.Next(), channel.Next());

        (await Pins.PinAsync(channel.Id, first.Id, TestChannel.BaseTime)).ShouldBeTrue();
        (await Pins.PinAsync(channel.Id, second.Id, TestChannel.BaseTime.AddMinutes(1))).ShouldBeTrue();
        (await Pins.PinAsync(channel.Id, first.Id, TestChannel.BaseTime.AddMinutes(2))).ShouldBeFalse();

        (await Pins.GetPinsAsync(channel.Id)).ShouldBe([second.Id, first.Id]);
        (await Pins.GetPinnedAsync([first.Id, second.Id + 1])).ShouldBe(new HashSet<long> { first.Id });
        (await Pins.UnpinAsync(channel.Id, first.Id)).ShouldBeTrue();
        (await Pins.UnpinAsync(channel.Id, first.Id)).ShouldBeFalse();
        (await Pins.GetPinsAsync(channel.Id)).ShouldBe([second.Id]);
    }

    [Theory]
    [InlineData("The Quick brown fox", "quick")]
    [InlineData("Der Straßenbahnfahrer grüßt", "GRÜẞT")]
    [InlineData("Привет, как дела?", "привет")]
    [InlineData("Καλημέρα κόσμε", "ΚΌΣΜΕ")]
    [InlineData("مرحبا بالعالم", "مرحبا")]
    [InlineData("שלום עולם", "עולם")]
    [InlineData("नमस्ते दुनिया", "दुनिया")]
    [InlineData("こんにちは 世界", "世界")]
    [InlineData("release v2 shipped", "ship")]
    public async Task Search_FindsWordsOfEveryScript_CaseInsensitively_AndByWordStart(string content, string q)
    {
        var channel = new TestChannel();
        var hit = channel.Next(content: content);
        await Messages.AppendAsync([channel.Next(content: "nothing to see"), hit, channel.Next(content: "unrelated words")], None);

        var found = await Search.SearchAsync([channel.Id], Query(q), None);

        found.Select(m => m.Id).ShouldBe([hit.Id], $"{q} in {content}");
    }

    [Fact]
    public async Task Search_NeedsEveryTerm_StaysInTheGivenChannels_AndSkipsDeleted()
    {
        var channel = new TestChannel();
        var other = new TestChannel();
        var both = channel.Next(content: "alpha beta");
        var onlyAlpha = channel.Next(content: "alpha gamma");
        var deleted = channel.Next(content: "alpha beta deleted");
        await Messages.AppendAsync([both, onlyAlpha, deleted], None);
        await Messages.AppendAsync([other.Next(content: "alpha beta elsewhere")], None);
        await Messages.DeleteAsync(channel.Id, deleted.Id, None);

        (await Search.SearchAsync([channel.Id], Query("alpha beta"), None)).Select(m => m.Id).ShouldBe([both.Id]);
        (await Search.SearchAsync([channel.Id], Query("alpha"), None)).Select(m => m.Id).ShouldBe([onlyAlpha.Id, both.Id]);
        (await Search.SearchAsync([], Query("alpha"), None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Search_PagesNewestFirstByBefore_AndFiltersByAuthor()
    {
        var channel = new TestChannel();
        var rows = Enumerable.Range(0, 7).Select(n => channel.Next(authorId: n % 2 == 0 ? 100 : 200, content: $"needle number {n}")).ToList();
        await Messages.AppendAsync(rows, None);

        var first = await Search.SearchAsync([channel.Id], Query("needle", limit: 3), None);
        first.Select(m => m.Id).ShouldBe([rows[6].Id, rows[5].Id, rows[4].Id]);
        var next = await Search.SearchAsync([channel.Id], Query("needle", limit: 3, before: first[^1].Id), None);
        next.Select(m => m.Id).ShouldBe([rows[3].Id, rows[2].Id, rows[1].Id]);
        (await Search.SearchAsync([channel.Id], Query("needle", author: 200), None)).Select(m => m.Id).ShouldBe([rows[5].Id, rows[3].Id, rows[1].Id]);
    }

    [Fact]
    public async Task Mentions_FindTheUser_TheirRoles_AndEveryone_InTheGivenChannelsOnly()
    {
        var channel = new TestChannel();
        var hidden = new TestChannel();
        var me = FreshUser();
        const long myRole = 777_000_111;
        var direct = channel.Next(content: $"hi <@{me}>", mentions: [me]);
        var role = channel.Next(content: $"ping <@&{myRole}>") with { Flags = MessageFlags.MentionsRoles };
        var otherRole = channel.Next(content: "ping <@&123>") with { Flags = MessageFlags.MentionsRoles };
        var everyone = channel.Next(content: "@everyone look") with { Flags = MessageFlags.MentionsEveryone };
        var plain = channel.Next(content: "@everyone from someone without the right");
        await Messages.AppendAsync([direct, role, otherRole, everyone, plain], None);
        await Messages.AppendAsync([hidden.Next(content: $"secret <@{me}>", mentions: [me])], None);

        var found = await Search.MentionsAsync([channel.Id], me, [myRole], null, 10, None);
        found.Select(m => m.Id).ShouldBe([everyone.Id, role.Id, direct.Id]);
        (await Search.MentionsAsync([channel.Id], me, [myRole], everyone.Id, 1, None)).Select(m => m.Id).ShouldBe([role.Id]);
    }

    [Fact]
    public async Task NotificationSettings_AreUpsertedPerTarget()
    {
        var user = FreshUser();
        var until = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await Settings.SetAsync(user, new NotificationSetting(20, NotificationLevel.None, until));
        await Settings.SetAsync(user, new NotificationSetting(10, NotificationLevel.Mentions, null));
        await Settings.SetAsync(user, new NotificationSetting(20, NotificationLevel.All, null));

        (await Settings.GetAllAsync(user)).ShouldBe([new NotificationSetting(10, NotificationLevel.Mentions, null), new NotificationSetting(20, NotificationLevel.All, null)]);
        await Settings.SetAsync(user, new NotificationSetting(10, NotificationLevel.Mentions, until));
        (await Settings.GetAllAsync(user))[0].MutedUntil.ShouldBe(until);
        (await Settings.GetAllAsync(FreshUser())).ShouldBeEmpty();
    }

    private static SearchQuery Query(string q, int limit = 25, long? before = null, long? author = null) =>
        new(SearchRules.Terms(q), author, null, before, limit);
}
