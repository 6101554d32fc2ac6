namespace Chaos.Support;

/// <summary>
/// Who calls a support grain: a signed-in user (an agent) or the guest holding one conversation's guest token. The grain
/// decides what each may do; a guest's <see cref="GuestConversationId"/> opens that conversation and nothing else.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.SupportCaller")]
public sealed record SupportCaller(
    [property: Id(0)] long? UserId,
    [property: Id(1)] long? GuestConversationId)
{
    public static SupportCaller User(long userId) => new(userId, null);

    public static SupportCaller Guest(long conversationId) => new(null, conversationId);

    /// <summary>The server itself (transcript e-mails): may read any conversation.</summary>
    public static readonly SupportCaller System = new(null, null);

    public bool IsGuest => GuestConversationId is not null;

    public bool IsSystem => UserId is null && GuestConversationId is null;
}
