#pragma warning disable MEAI001 // ISpeechToTextClient is marked experimental in Microsoft.Extensions.AI 10.x; it is our seam.
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OllamaSharp;

namespace Chaos.Ai;

/// <summary>
/// Probes the model server (<c>/api/version</c>) in the background, so <c>/ai/status</c> and <c>/health/ready</c> answer
/// from the last probe without waiting on a dead server. Start-up never waits for it: a server that is away only makes
/// the status unreachable (docs/operations.md#ai-assistance). A successful probe also closes an open circuit.
/// </summary>
public sealed partial class AiStatusMonitor(
    IOptions<AiOptions> options, AiCircuit circuit, ILogger<AiStatusMonitor> logger, IOllamaApiClient? ollama = null, ISpeechToTextClient? speech = null)
    : BackgroundService
{
    private readonly AiOptions settings = options.Value;
    private volatile bool reachable;
    private volatile bool probed;

    public AiStatus Status => settings.Enabled
        ? new AiStatus(true, reachable && !circuit.IsOpen, settings.ChatModel, settings.EffectiveModerationModel, Transcripts)
        : new AiStatus(false, false, null, null, Transcripts);

    /// <summary>
    /// Whether voice messages get transcripts: a speech client is registered and (when it can tell, like Whisper.net's)
    /// has a usable model. Independent of the chat model server.
    /// </summary>
    public AiTranscriptsStatus Transcripts => speech is null ? AiTranscriptsStatus.NotConfigured
        : speech.GetService(typeof(AiTranscriptsStatus)) as AiTranscriptsStatus
            ?? new AiTranscriptsStatus(true, (speech.GetService(typeof(SpeechToTextClientMetadata)) as SpeechToTextClientMetadata)?.DefaultModelId, null);

    /// <summary>Whether a probe has finished since start-up.</summary>
    public bool Probed => probed;

    /// <summary>Asks the model server now; answers whether it answered.</summary>
    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        if (!settings.Enabled || ollama is null)
        {
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Min(settings.IdleTimeoutSeconds, 10)));
        bool answered;
        try
        {
            var version = await ollama.GetVersionAsync(timeout.Token);
            answered = true;
            if (!reachable)
            {
                LogReachable(logger, settings.OllamaUrl!, version?.ToString() ?? "?");
            }

            circuit.RecordSuccess();
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or System.Text.Json.JsonException or FormatException
            && !cancellationToken.IsCancellationRequested)
        {
            answered = false;
            if (reachable || !probed)
            {
                LogUnreachable(logger, settings.OllamaUrl!, e.Message);
            }
        }

        reachable = answered;
        probed = true;
        return answered;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.ProbeIntervalSeconds));
        try
        {
            do
            {
                await ProbeAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model server {Url} answers (version {Version})")]
    private static partial void LogReachable(ILogger logger, string url, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model server {Url} does not answer ({Error}); AI assistance is degraded until it does")]
    private static partial void LogUnreachable(ILogger logger, string url, string error);
}
