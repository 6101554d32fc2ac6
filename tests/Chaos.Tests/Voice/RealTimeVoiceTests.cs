namespace Chaos.Tests.Voice;

/// <summary>
/// Voice tests pace real Opus frames at 50 per second and assert that every frame arrives: they run alone, after the
/// parallel tests, because a starved thread pool drops frames exactly as a starved server would (drop-oldest queues).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealTimeVoiceTests
{
    public const string Name = "Real-time voice tests";
}
