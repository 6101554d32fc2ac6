namespace Chaos.Tests.Ai;

/// <summary>
/// Summaries and moderation end to end against <see cref="ModelServer"/>: a real Ollama when <c>$OLLAMA_URL</c> is set
/// (docs/operations.md#ai-assistance), the fake otherwise. The fault cases stay in <see cref="SummaryTests"/> and
/// <see cref="ModerationTests"/>, always on the fake.
/// </summary>
public sealed class ModelServerEndToEndTests(ModelServerFixture fixture) : IClassFixture<ModelServerFixture>
{
    [Fact]
    public Task Summary_OverRest_HasTheContractShape_AndText() => AiPaths.SummaryAsync(fixture.Server, fixture.Model.ChatModel);

    [Fact]
    public Task HubSummarize_StreamsChunks_AndEnds() => AiPaths.SummaryStreamAsync(fixture.Server);

    [Fact]
    public Task HubSummarize_StoppedByTheClient_EndsTheModelCall() =>
        AiPaths.SummaryStoppedAsync(fixture.Server, fixture.Model.HoldAfterFirstChunk, fixture.Model.DisconnectedAsync);

    [Fact]
    public Task Moderation_ClassifiesOffTheSendPath() => AiPaths.ModerationAsync(fixture.Server, fixture.Model.Deadline);
}
