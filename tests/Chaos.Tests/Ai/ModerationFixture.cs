using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Ai;

/// <summary>
/// A front door on its own PostgreSQL database whose moderation talks to its own fake Ollama: the moderation model
/// flags any message containing <see cref="BadWord"/>; a backlog of at most <see cref="QueueBound"/> per community.
/// </summary>
public sealed class ModerationFixture : IAsyncLifetime
{
    public const string BadWord = "SPAMSPAM";

    public const int QueueBound = 5;

    public FakeOllamaServer Ollama { get; private set; } = null!;

    public ChaosServer Server { get; private set; } = null!;

    /// <summary>The moderation model's verdict for one request (flagged exactly when the message holds the bad word).</summary>
    public static FakeOllamaReply Verdict(FakeOllamaRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Messages.Any(m => m.Role == "user" && m.Content.Contains(BadWord, StringComparison.Ordinal))
            ? FakeOllamaReply.Text("{\"flagged\":true,", "\"category\":\"spam\",", "\"reason\":\"Repeated advertising.\"}")
            : FakeOllamaReply.Text("{\"flagged\":false,\"category\":\"none\",\"reason\":\"Fine.\"}");
    }

    public async Task InitializeAsync()
    {
        Ollama = await FakeOllamaServer.StartAsync("chat-model", "mod-model");
        Ollama.DefaultReply = Verdict;
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        Server = await ChaosServer.StartAsync(connectionString, new Dictionary<string, string?>
        {
            ["Chaos:Ai:OllamaUrl"] = Ollama.BaseAddress.ToString(),
            ["Chaos:Ai:ChatModel"] = "chat-model",
            ["Chaos:Ai:ModerationModel"] = "mod-model",
            ["Chaos:Ai:RetryDelayMilliseconds"] = "1",
            ["Chaos:Ai:QueueBound"] = QueueBound.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Far beyond any test deadline: a hung model stays hung until the test lets it answer.
            ["Chaos:Ai:IdleTimeoutSeconds"] = "600",
            ["Chaos:Ai:RequestTimeoutSeconds"] = "600",
            ["Chaos:Ai:MaxConcurrentCalls"] = "8",
        });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Ollama.DisposeAsync();
    }
}
