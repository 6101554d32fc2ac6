using Chaos.Tests.Ai;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Support;

/// <summary>
/// One front door on its own PostgreSQL database with a real SMTP server and a fake Ollama (AI on), shared by the support
/// desk's REST and gateway tests (they keep apart by fresh communities). Per-address limits are raised: 100 guests start
/// from one test address.
/// </summary>
public sealed class SupportFixture : IAsyncLifetime
{
    public SmtpServer Smtp { get; } = new();

    public FakeOllamaServer Ollama { get; private set; } = null!;

    public ChaosServer Server { get; private set; } = null!;

    public LogCapture Logs { get; } = new("support door");

    public async Task InitializeAsync()
    {
        await Smtp.InitializeAsync();
        Ollama = await FakeOllamaServer.StartAsync("chat-model", "mod-model");
        Ollama.DefaultReply = _ => FakeOllamaReply.Text("The guest ", "asked about ", "a refund.");
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        Server = await ChaosServer.StartAsync(connectionString, new Dictionary<string, string?>
        {
            ["Chaos:Email:SmtpHost"] = "127.0.0.1",
            ["Chaos:Email:SmtpPort"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Chaos:Email:From"] = "CHAOS Support <support@chaos.test>",
            ["Chaos:Ai:OllamaUrl"] = Ollama.BaseAddress.ToString(),
            ["Chaos:Ai:ChatModel"] = "chat-model",
            ["Chaos:Ai:ModerationModel"] = "mod-model",
            ["Chaos:Ai:RetryDelayMilliseconds"] = "1",
            ["Chaos:Ai:IdleTimeoutSeconds"] = "600",
            ["Chaos:Ai:RequestTimeoutSeconds"] = "600",
            ["Chaos:RateLimits:SupportStartsPerAddressLimit"] = "10000",
            ["Chaos:RateLimits:AuthPerAddressLimit"] = "10000",
            ["Chaos:Support:WaitAlertSeconds"] = "1",
            ["Chaos:Support:WaitAlertCheckSeconds"] = "1",
        }, Logs.AddTo);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Ollama.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
