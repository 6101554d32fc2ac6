#pragma warning disable MEAI001 // ISpeechToTextClient is marked experimental in Microsoft.Extensions.AI 10.x; it is our seam.
using System.Runtime.CompilerServices;
using System.Text;
using Chaos.Errors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Whisper.net;

namespace Chaos.Ai;

/// <summary>
/// Voice-message transcripts with whisper.cpp (Whisper.net) as the Microsoft.Extensions.AI <see cref="ISpeechToTextClient"/>
/// (docs/architecture.md#voice-message-transcripts). The input is a 16 kHz mono 16-bit PCM WAV stream. The model file is
/// loaded on first use, not at start-up: a missing file only makes <see cref="Status"/> say so, and a file whisper.cpp
/// cannot load fails the transcripts (<c>ai_unavailable</c> with the reason) and is reported in the status from then on.
/// One transcription at a time: whisper.cpp already uses every core it is given.
/// </summary>
public sealed partial class WhisperSpeechToTextClient : ISpeechToTextClient
{
    private readonly string modelPath;
    private readonly int threads;
    private readonly ILogger logger;
    private readonly SemaphoreSlim gate = new(1, 1);
    private WhisperFactory? factory;
    private string? loadError;
    private bool disposed;

    public WhisperSpeechToTextClient(string modelPath, int threads, ILogger<WhisperSpeechToTextClient> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        this.modelPath = modelPath;
        this.threads = Math.Max(1, threads);
        this.logger = logger;
        if (!File.Exists(modelPath))
        {
            LogModelMissing(logger, modelPath);
        }
    }

    public string ModelName => Path.GetFileName(modelPath);

    /// <summary>Whether transcripts can be made: the file exists and (once tried) whisper.cpp loaded it.</summary>
    public AiTranscriptsStatus Status =>
        !File.Exists(modelPath) ? new AiTranscriptsStatus(false, ModelName, $"The speech model file '{modelPath}' does not exist.")
        : loadError is { } error ? new AiTranscriptsStatus(false, ModelName, $"The speech model file '{modelPath}' could not be loaded: {error}")
        : new AiTranscriptsStatus(true, ModelName, null);

    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        ObjectDisposedException.ThrowIf(disposed, this);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var loaded = Load();
            var builder = loaded.CreateBuilder().WithThreads(threads).WithLanguage(options?.SpeechLanguage ?? "auto");
            await using var processor = builder.Build();
            var text = new StringBuilder();
            await foreach (var segment in processor.ProcessAsync(audioSpeechStream, cancellationToken))
            {
                text.Append(segment.Text);
            }

            return new SpeechToTextResponse(text.ToString().Trim()) { ModelId = ModelName };
        }
        catch (WhisperModelLoadException e)
        {
            // Whisper.net loads the file lazily: a bad file surfaces here, on first use, not in FromPath.
            throw Unloadable(e);
        }
        finally
        {
            gate.Release();
        }
    }

    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetTextAsync(audioSpeechStream, options, cancellationToken);
        foreach (var update in response.ToSpeechToTextResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(AiTranscriptsStatus) ? Status
            : serviceType == typeof(SpeechToTextClientMetadata) ? new SpeechToTextClientMetadata("whisper.cpp", null, ModelName)
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            factory?.Dispose();
            gate.Dispose();
        }
    }

    /// <summary>Loads the model once (under the gate); a failure is kept and reported, never retried in a loop.</summary>
    private WhisperFactory Load()
    {
        if (factory is not null)
        {
            return factory;
        }

        if (!File.Exists(modelPath))
        {
            throw new ChaosException(ErrorCodes.AiUnavailable, $"The speech model file '{modelPath}' does not exist.");
        }

        if (loadError is not null)
        {
            throw new ChaosException(ErrorCodes.AiUnavailable, $"The speech model file '{modelPath}' could not be loaded: {loadError}");
        }

        try
        {
            factory = WhisperFactory.FromPath(modelPath);
            return factory;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Unloadable(e);
        }
    }

    /// <summary>Keeps the reason (reported in <see cref="Status"/> from then on) and drops the factory.</summary>
    private ChaosException Unloadable(Exception e)
    {
        loadError = e.Message;
        factory?.Dispose();
        factory = null;
        LogModelUnloadable(logger, e, modelPath);
        return new ChaosException(ErrorCodes.AiUnavailable, $"The speech model file '{modelPath}' could not be loaded: {e.Message}");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The speech model file {Path} does not exist: voice messages get no transcripts")]
    private static partial void LogModelMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "whisper.cpp could not load the speech model file {Path}: voice messages get no transcripts")]
    private static partial void LogModelUnloadable(ILogger logger, Exception exception, string path);
}
