using System.Collections.Concurrent;

namespace Chaos.Tests.Ai;

/// <summary>
/// The model server of the AI tests whose assertions hold for any real model (plumbing, streaming, cancellation, the
/// verdict schema, status): a real Ollama at <c>$OLLAMA_URL</c> when that variable is set, with the models
/// <c>$OLLAMA_CHAT_MODEL</c> (default <see cref="DefaultChatModel"/>) and <c>$OLLAMA_MODERATION_MODEL</c> (default: the
/// chat model); otherwise a <see cref="FakeOllamaServer"/> that answers like one (docs/operations.md#ai-assistance).
/// Tests that inject faults (404, 503, errors mid-stream, hangs) use the fake directly, whatever is set.
/// </summary>
public sealed class ModelServer : IAsyncDisposable
{
    public const string UrlVariable = "OLLAMA_URL";

    public const string ChatModelVariable = "OLLAMA_CHAT_MODEL";

    public const string ModerationModelVariable = "OLLAMA_MODERATION_MODEL";

    public const string DefaultChatModel = "llama3.2";

    /// <summary>Prompts holding one of these markers get one chunk from the fake, then nothing until the client goes away.</summary>
    private readonly ConcurrentDictionary<string, bool> held = new(StringComparer.Ordinal);

    private ModelServer(Uri baseAddress, string chatModel, string moderationModel, FakeOllamaServer? fake)
    {
        BaseAddress = baseAddress;
        ChatModel = chatModel;
        ModerationModel = moderationModel;
        Fake = fake;
    }

    public Uri BaseAddress { get; }

    public string ChatModel { get; }

    public string ModerationModel { get; }

    /// <summary>The fake, when no real server is configured; null against a real Ollama.</summary>
    public FakeOllamaServer? Fake { get; }

    public bool IsReal => Fake is null;

    /// <summary>Generous for a real model on a CPU; the fake answers at once.</summary>
    public TimeSpan Deadline => IsReal ? TimeSpan.FromMinutes(3) : TimeSpan.FromSeconds(45);

    public static async Task<ModelServer> StartAsync()
    {
        var url = Environment.GetEnvironmentVariable(UrlVariable);
        if (!string.IsNullOrWhiteSpace(url))
        {
            var chat = Variable(ChatModelVariable) ?? DefaultChatModel;
            return new ModelServer(new Uri(url), chat, Variable(ModerationModelVariable) ?? chat, null);
        }

        var fake = await FakeOllamaServer.StartAsync("chat-model", "mod-model");
        var server = new ModelServer(fake.BaseAddress, "chat-model", "mod-model", fake);
        fake.DefaultReply = server.Answer;
        return server;
    }

    /// <summary>The <c>Chaos:Ai</c> settings that point CHAOS at this server.</summary>
    public Dictionary<string, string?> Settings(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Chaos:Ai:OllamaUrl"] = BaseAddress.ToString(),
            ["Chaos:Ai:ChatModel"] = ChatModel,
            ["Chaos:Ai:ModerationModel"] = ModerationModel,
            ["Chaos:Ai:RetryDelayMilliseconds"] = "1",
            // Far beyond any test deadline: a call that ends within one was answered or cancelled, not timed out.
            ["Chaos:Ai:IdleTimeoutSeconds"] = "600",
            ["Chaos:Ai:RequestTimeoutSeconds"] = "600",
            ["Chaos:Ai:ProbeIntervalSeconds"] = "5",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>
    /// Makes the fake hold any answer to a prompt containing <paramref name="marker"/> after its first chunk, so a test
    /// can stop a call in the middle; a real model is slower than any client and needs no help.
    /// </summary>
    public void HoldAfterFirstChunk(string marker) => held[marker] = true;

    /// <summary>Completes when the fake saw the call whose prompt holds <paramref name="marker"/> aborted by its client.</summary>
    public Task DisconnectedAsync(string marker) =>
        Fake?.Requests.Single(r => r.Messages.Any(m => m.Content.Contains(marker, StringComparison.Ordinal))).Disconnected.Task.WaitAsync(Deadline)
        ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (Fake is not null)
        {
            await Fake.DisposeAsync();
        }
    }

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    /// <summary>What a well-behaved model answers: a schema-shaped verdict when a JSON schema is the format, prose otherwise.</summary>
    private FakeOllamaReply Answer(FakeOllamaRequest request)
    {
        FakeOllamaReply reply = request.Format is not null
            ? FakeOllamaReply.Text("{\"flagged\":false,", "\"category\":\"none\",", "\"reason\":\"An ordinary message.\"}")
            : FakeOllamaReply.Text("People ", "talked ", "about ", "lunch.");
        var hold = held.Keys.Any(marker => request.Messages.Any(m => m.Content.Contains(marker, StringComparison.Ordinal)));
        return hold ? reply with { HangAfterChunks = true, Chunks = [reply.Chunks[0]] } : reply;
    }
}
