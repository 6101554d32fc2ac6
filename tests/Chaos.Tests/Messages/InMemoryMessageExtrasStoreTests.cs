using Chaos.Messages;

namespace Chaos.Tests.Messages;

public sealed class InMemoryMessageExtrasStoreTests : MessageExtrasStoreBehaviour
{
    private static readonly InMemoryMessageStore SharedMessages = new();

    protected override IMessageStore Messages => SharedMessages;

    protected override IReactionStore Reactions { get; } = new InMemoryReactionStore();

    protected override IPinStore Pins { get; } = new InMemoryPinStore();

    protected override IMessageSearch Search { get; } = new InMemoryMessageSearch(SharedMessages);

    protected override INotificationSettingsStore Settings { get; } = new InMemoryNotificationSettingsStore();
}
