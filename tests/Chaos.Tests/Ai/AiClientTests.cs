using System.Text.Json;
using Chaos.Errors;
using Microsoft.Extensions.AI;

namespace Chaos.Tests.Ai;

/// <summary>
/// The model-call path every AI feature shares (docs/architecture.md#ai-assistance): the real OllamaSharp client behind
/// <c>ResilientChatClient</c>, against a protocol-faithful fake Ollama that fails in each way the real one can.
/// </summary>
public sealed class AiClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private FakeOllamaServer fake = null!;

    public async Task InitializeAsync() => fake = await FakeOllamaServer.StartAsync("chat-model", "mod-model");

    public async Task DisposeAsync() => await fake.DisposeAsync();

    [Fact]
    public async Task Streaming_DeliversEveryChunkInOrder_AndEndsOnDone()
    {
        await using var host = AiClientHost.Create(fake.BaseAddress);
        fake.Script(FakeOllamaReply.Text("one ", "two ", "three"));

        var chunks = new List<string>();
        await foreach (var update in host.Chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "count")]))
        {
            if (update.Text.Length > 0)
            {
                chunks.Add(update.Text);
            }
        }

        chunks.ShouldBe(["one ", "two ", "three"]);
        var request = fake.Requests.ShouldHaveSingleItem();
        request.Model.ShouldBe("chat-model");
        request.Stream.ShouldBeTrue();
        request.Messages.ShouldContain(("user", "count"));
    }

    [Fact]
    public async Task NonStreamingCall_GetsTheWholeText()
    {
        await using var host = AiClientHost.Create(fake.BaseAddress);
        fake.Script(FakeOllamaReply.Text("Hello ", "there"));

        var response = await host.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = "mod-model" });

        response.Text.ShouldBe("Hello there");
        fake.Requests.ShouldHaveSingleItem().Model.ShouldBe("mod-model");
    }

    [Fact]
    public async Task ErrorLineMidStream_IsAFailure_NotAShortAnswer()
    {
        await using var host = AiClientHost.Create(fake.BaseAddress);
        fake.Script(new FakeOllamaReply { Chunks = ["partial "], ErrorAfterChunks = "an error was encountered while running the model" });

        var seen = new List<string>();
        var failure = await Should.ThrowAsync<ChaosException>(async () =>
        {
            await foreach (var update in host.Chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "go")]))
            {
                seen.Add(update.Text);
            }
        });

        failure.Code.ShouldBe(ErrorCodes.AiUnavailable);
        seen.ShouldContain("partial ");
    }

    [Fact]
    public async Task ErrorLineMidStream_FailsNonStreamingCallsToo()
    {
        await using var host = AiClientHost.Create(fake.BaseAddress);
        fake.Script(new FakeOllamaReply { Chunks = ["{\"cat"], ErrorAfterChunks = "out of memory" });

        var failure = await Should.ThrowAsync<ChaosException>(() => host.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "go")]));

        failure.Code.ShouldBe(ErrorCodes.AiUnavailable);
    }

    [Fact]
    public async Task ServerErrorBeforeTheStream_IsAiUnavailable()
    {
        await using var host = AiClientHost.Create(fake.BaseAddress);
        fake.Script(FakeOllamaReply.Error(500, "llama runner process has terminated"));

        var failure = await Should.ThrowAsync<ChaosException>(() => host.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "go")]));

        failure.Code.ShouldBe(ErrorCodes.AiUnavailable);
        failure.Message.ShouldBe("The model server failed to answer.");
    }

    [Fact]
    public async Task UnknownModel_NamesTheModel_AndDoesNotOpenTheCircuit()
    {
        await using var host = AiClientHost.Create(fake.BaseAddress, new Dictionary<string, string?> { ["Chaos:Ai:CircuitFailureThreshold"] = "1" });

        var failure = await Should.ThrowAsync<ChaosException>(() =>
            host.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "go")], new ChatOptions { ModelId = "no-such-model" }));

        failure.Code.ShouldBe(ErrorCodes.AiUnavailable);
        failure.Message.ShouldContain("no-such-model");
        host.Circuit.IsOpen.ShouldBeFalse();
        (await host.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "go")])).Text.ShouldBe("All quiet here.");
    }

    [Fact]
    public async Task Busy503_IsRetried_UntilTheServerAnswers()
    {
        await using var host = AiClientHost.Create(fake.BaseAddress, new Dictionary<string, string?> { ["Chaos:Ai:MaxRetries"] = "2" });
        fake.Script(FakeOllamaReply.Busy(), FakeOllamaReply.Busy(), FakeOllamaReply.Text("finally"));

        var response = await host.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "go")]);

        response.Text.ShouldBe("finally");
        fake.ChatCalls.ShouldBe(3);
    }

    [Fact]
    public async Task Busy503_BeyondTheRetries_IsAiUnavailable()
    {
        await using var host = AiClientHost.Create(fake.BaseAddress, new Dictionary<string, string?> { ["Chaos:Ai:MaxRetries"] = "1" });
        fake.DefaultReply = _ => FakeOllamaReply.Busy();

        var failure = await Should.ThrowAsync<ChaosException>(() => host.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "go")]));

        failure.Code.ShouldBe(ErrorCodes.AiUnavailable);
        failure.Message.ShouldContain("busy");
        fake.ChatCalls.ShouldBe(2);
    }

    [Fact]
    public async Task HangingAnswer_TimesOut()
    {
        await using var host = AiClientHost.Create(fake.BaseAddress, new Dictionary<string, string?>
        {
            ["Chaos:Ai:IdleTimeoutSeconds"] = "1",
        });
        fake.Script(FakeOllamaReply.Hang("started "));

        // Its own hard stop: should the timeout ever fail again, this test fails instead of hanging the suite.
        using var hardStop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var call = host.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "go")], cancellationToken: hardStop.Token);
        var failure = await Should.ThrowAsync<ChaosException>(() => call.WaitAsync(TimeSpan.FromSeconds(60)));

        failure.Code.ShouldBe(ErrorCodes.AiUnavailable);
        failure.Message.ShouldContain("in time");
    }

    [Fact]
    public async Task HangingAnswer_TimesOut_WhenStreamedToo()
    {
        await using var host = AiClientHost.Create(fake.BaseAddress, new Dictionary<string, string?>
        {
            ["Chaos:Ai:IdleTimeoutSeconds"] = "1",
        });
        fake.Script(FakeOllamaReply.Hang("started "));
        using var hardStop = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        async Task ReadAllAsync()
        {
            await foreach (var _ in host.Chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "go")], cancellationToken: hardStop.Token))
            {
            }
        }

        var failure = await Should.ThrowAsync<ChaosException>(() => ReadAllAsync().WaitAsync(TimeSpan.FromSeconds(60)));

        failure.Code.ShouldBe(ErrorCodes.AiUnavailable);
    }

    [Fact]
    public async Task CancellingTheStream_CancelsTheModelCall()
    {
        await using var host = AiClientHost.Create(fake.BaseAddress);
        var release = new TaskCompletionSource();
        fake.Script(new FakeOllamaReply { Chunks = ["first ", "second "], BeforeChunk = i => i == 0 ? Task.CompletedTask : release.Task });
        using var cancel = new CancellationTokenSource();

        await Should.ThrowAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in host.Chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "go")], cancellationToken: cancel.Token))
            {
                if (update.Text == "first ")
                {
                    await cancel.CancelAsync();
                }
            }
        });

        await fake.Requests.ShouldHaveSingleItem().Disconnected.Task.WaitAsync(Deadline);
        host.Circuit.IsOpen.ShouldBeFalse();
    }

    [Fact]
    public async Task DeadServer_OpensTheCircuit_AndLaterCallsNeverReachIt()
    {
        await using var host = AiClientHost.Create(fake.BaseAddress, new Dictionary<string, string?>
        {
            ["Chaos:Ai:CircuitFailureThreshold"] = "2",
            ["Chaos:Ai:CircuitBreakSeconds"] = "3600",
        });
        fake.DefaultReply = _ => FakeOllamaReply.Error(500);

        for (var i = 0; i < 2; i++)
        {
            await Should.ThrowAsync<ChaosException>(() => host.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "go")]));
        }

        host.Circuit.IsOpen.ShouldBeTrue();
        var failure = await Should.ThrowAsync<ChaosException>(() => host.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "go")]));
        failure.Message.ShouldContain("paused");
        fake.ChatCalls.ShouldBe(2);

        // A probe that finds the server answering again closes the circuit.
        (await host.Monitor.ProbeAsync(CancellationToken.None)).ShouldBeTrue();
        host.Circuit.IsOpen.ShouldBeFalse();
    }

    [Fact]
    public async Task ConnectionRefused_IsAiUnavailable()
    {
        await using var host = AiClientHost.Create(new Uri($"http://127.0.0.1:{Infrastructure.PostgresServer.FreeTcpPort()}"));

        var failure = await Should.ThrowAsync<ChaosException>(() => host.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "go")]));

        failure.Code.ShouldBe(ErrorCodes.AiUnavailable);
        (await host.Monitor.ProbeAsync(CancellationToken.None)).ShouldBeFalse();
        host.Monitor.Status.Reachable.ShouldBeFalse();
    }

    [Fact]
    public async Task JsonSchemaFormat_AndTemperature_ReachTheServer()
    {
        await using var host = AiClientHost.Create(fake.BaseAddress);
        fake.Script(FakeOllamaReply.Text("{\"ok\":true}"));
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}""").RootElement;

        await host.Chat.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "go")],
            new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "verdict"), Temperature = 0 });

        var request = fake.Requests.ShouldHaveSingleItem();
        request.Temperature.ShouldBe(0);
        var format = request.Format.ShouldNotBeNull();
        format.ValueKind.ShouldBe(JsonValueKind.Object);
        format.GetProperty("properties").GetProperty("ok").GetProperty("type").GetString().ShouldBe("boolean");
    }
}
