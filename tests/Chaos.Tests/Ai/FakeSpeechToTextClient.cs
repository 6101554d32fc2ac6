#pragma warning disable MEAI001 // ISpeechToTextClient is marked experimental in Microsoft.Extensions.AI 10.x; it is our seam.
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Chaos.Tests.Ai;

/// <summary>
/// A speech-to-text model for tests, at the <see cref="ISpeechToTextClient"/> seam (a model, not our code): it keeps the
/// audio it was given and answers with <see cref="Reply"/>, which a test may make fail or hang.
/// </summary>
public sealed class FakeSpeechToTextClient : ISpeechToTextClient
{
    private readonly ConcurrentQueue<byte[]> received = new();

    /// <summary>What the next calls answer; the default says <see cref="DefaultText"/>.</summary>
    public Func<CancellationToken, Task<string>> Reply { get; set; } = _ => Task.FromResult(DefaultText);

    public const string DefaultText = "  Meet me at the station at nine.  ";

    /// <summary>The audio of every call so far (a WAV each), oldest first.</summary>
    public IReadOnlyList<byte[]> Received => [.. received];

    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var copy = new MemoryStream();
        await audioSpeechStream.CopyToAsync(copy, cancellationToken);
        received.Enqueue(copy.ToArray());
        return new SpeechToTextResponse(await Reply(cancellationToken));
    }

    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetTextAsync(audioSpeechStream, options, cancellationToken)).ToSpeechToTextResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(SpeechToTextClientMetadata) ? new SpeechToTextClientMetadata("fake", null, "fake-whisper") : null;

    public void Dispose()
    {
    }
}
