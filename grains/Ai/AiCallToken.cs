namespace Chaos.Ai;

/// <summary>
/// The token of the model call in progress, flowing with the async context from <see cref="ResilientChatClient"/> to
/// <see cref="AbortOnCancelHandler"/>. The handler cannot use the token it is given: HttpClient links it to its own
/// source and disposes that once the response headers arrived, so it never fires while the body is read.
/// </summary>
public static class AiCallToken
{
    private static readonly AsyncLocal<CancellationToken> Current = new();

    public static CancellationToken Value => Current.Value;

    public static void Set(CancellationToken token) => Current.Value = token;
}
