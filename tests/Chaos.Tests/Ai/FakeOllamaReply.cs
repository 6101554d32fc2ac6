namespace Chaos.Tests.Ai;

/// <summary>What <see cref="FakeOllamaServer"/> does with one <c>/api/chat</c> request.</summary>
public sealed record FakeOllamaReply
{
    /// <summary>The answer's text, one NDJSON line (flushed) per chunk.</summary>
    public IReadOnlyList<string> Chunks { get; init; } = [];

    /// <summary>An HTTP status answered before any chunk, with an Ollama <c>{"error": …}</c> body.</summary>
    public int? Status { get; init; }

    /// <summary>After the chunks: an <c>{"error": …}</c> line and the end of the stream, never <c>done</c>.</summary>
    public string? ErrorAfterChunks { get; init; }

    /// <summary>After the chunks: no more lines and no end, until the client goes away.</summary>
    public bool HangAfterChunks { get; init; }

    /// <summary>Awaited before each chunk (a slow model); the test releases it.</summary>
    public Func<int, Task>? BeforeChunk { get; init; }

    public string DoneReason { get; init; } = "stop";

    public static FakeOllamaReply Text(params string[] chunks) => new() { Chunks = chunks };

    public static FakeOllamaReply Error(int status, string message = "boom") => new() { Status = status, ErrorAfterChunks = message };

    public static FakeOllamaReply Busy() => new() { Status = 503, ErrorAfterChunks = "server busy, please try again.  maximum pending requests exceeded" };

    public static FakeOllamaReply Hang(params string[] chunks) => new() { Chunks = chunks, HangAfterChunks = true };
}
