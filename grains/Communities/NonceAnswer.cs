namespace Chaos.Communities;

/// <summary>What <see cref="NonceMemory.Find"/> knows about a nonce.</summary>
internal enum NonceAnswer
{
    /// <summary>Sent within the window; the message is known.</summary>
    Sent,

    /// <summary>Surely not sent within the window.</summary>
    New,

    /// <summary>The memory cannot tell; storage must be asked.</summary>
    AskStorage,
}
