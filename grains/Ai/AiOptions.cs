using System.ComponentModel.DataAnnotations;

namespace Chaos.Ai;

/// <summary>
/// <c>Chaos:Ai</c>: the model server and how hard CHAOS leans on it (docs/operations.md#ai-assistance). Without
/// <see cref="OllamaUrl"/> every AI feature is off and nothing is ever sent to a model.
/// </summary>
public sealed class AiOptions : IValidatableObject
{
    public const string Section = "Chaos:Ai";

    /// <summary>The Ollama server's base address (<c>http://ollama:11434</c>); empty turns AI assistance off.</summary>
    public string? OllamaUrl { get; set; }

    [Required(AllowEmptyStrings = false)]
    public string ChatModel { get; set; } = "llama3.2";

    /// <summary>The model that classifies messages; the chat model when unset.</summary>
    public string? ModerationModel { get; set; }

    /// <summary>The longest a whole model call may take, from the request to the last chunk.</summary>
    [Range(1, 3600)]
    public int RequestTimeoutSeconds { get; set; } = 120;

    /// <summary>The longest the server may stay silent: before the first chunk and between chunks (a hung stream).</summary>
    [Range(1, 3600)]
    public int IdleTimeoutSeconds { get; set; } = 30;

    /// <summary>Model calls one process makes at once; more wait (up to <see cref="IdleTimeoutSeconds"/>) for a slot.</summary>
    [Range(1, 256)]
    public int MaxConcurrentCalls { get; set; } = 2;

    /// <summary>Unclassified messages a community's moderation queue holds; under a flood the oldest are skipped.</summary>
    [Range(1, 100_000)]
    public int QueueBound { get; set; } = 500;

    /// <summary>Retries of a call the server refused as busy (503/429), with doubling delays from <see cref="RetryDelayMilliseconds"/>.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    [Range(1, 60_000)]
    public int RetryDelayMilliseconds { get; set; } = 500;

    /// <summary>Failed calls in a row that open the circuit: then calls fail at once for <see cref="CircuitBreakSeconds"/>.</summary>
    [Range(1, 1000)]
    public int CircuitFailureThreshold { get; set; } = 5;

    [Range(1, 3600)]
    public int CircuitBreakSeconds { get; set; } = 30;

    /// <summary>How often the model server is probed for <c>/ai/status</c> and <c>/health/ready</c>.</summary>
    [Range(1, 3600)]
    public int ProbeIntervalSeconds { get; set; } = 30;

    /// <summary>Summaries one user may ask for per minute (REST and gateway together).</summary>
    [Range(1, 1000)]
    public int SummariesPerMinute { get; set; } = 5;

    /// <summary>
    /// A Whisper (ggml) model file for voice-message transcripts, used through Whisper.net; none means no transcripts.
    /// Independent of <see cref="OllamaUrl"/>: transcripts run in-process.
    /// </summary>
    public string? SpeechModelPath { get; set; }

    /// <summary>The longest one transcription may take before the voice message's transcript is <c>failed</c>.</summary>
    [Range(1, 3600)]
    public int TranscriptTimeoutSeconds { get; set; } = 300;

    /// <summary>Voice messages waiting for a transcript on one front door; beyond it the oldest waiting fail.</summary>
    [Range(1, 10_000)]
    public int TranscriptQueueBound { get; set; } = 100;

    /// <summary>CPU threads whisper.cpp uses for one transcription.</summary>
    [Range(1, 64)]
    public int SpeechThreads { get; set; } = 2;

    public bool Enabled => !string.IsNullOrWhiteSpace(OllamaUrl);

    public string EffectiveModerationModel => string.IsNullOrWhiteSpace(ModerationModel) ? ChatModel : ModerationModel;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled
            && (!Uri.TryCreate(OllamaUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult($"'{OllamaUrl}' is not an absolute http or https address.", [nameof(OllamaUrl)]);
        }

        if (ModerationModel is { } model && model.Length > 0 && string.IsNullOrWhiteSpace(model))
        {
            yield return new ValidationResult("The moderation model name is blank.", [nameof(ModerationModel)]);
        }

        if (IdleTimeoutSeconds > RequestTimeoutSeconds)
        {
            yield return new ValidationResult("The idle timeout cannot exceed the request timeout.", [nameof(IdleTimeoutSeconds), nameof(RequestTimeoutSeconds)]);
        }
    }
}
