#pragma warning disable MEAI001 // ISpeechToTextClient is marked experimental in Microsoft.Extensions.AI 10.x; it is our seam.
using System.Threading.Channels;
using Chaos.Ai;
using Chaos.Api.Blobs;
using Chaos.Api.Voice;
using Chaos.Audio;
using Chaos.Communities;
using Chaos.Messages;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Chaos.Api.Ai;

/// <summary>
/// Voice-message transcripts (docs/architecture.md#voice-message-transcripts), off the send path: the upload marks the
/// attachment <c>pending</c> and hands the message here after it was sent; one background loop per front door decodes
/// the stored Ogg Opus to 16 kHz PCM, asks the <see cref="ISpeechToTextClient"/> (with a timeout it does not need to
/// honour) and has the Channel grain record <c>done</c> or <c>failed</c>, which sends the <c>MessageUpdated</c>. The queue
/// is bounded: beyond <see cref="AiOptions.TranscriptQueueBound"/> the oldest waiting message fails at once. No grain
/// ever waits for a transcript.
/// </summary>
public sealed partial class VoiceTranscriber : BackgroundService
{
    private readonly IGrainFactory grains;
    private readonly IBlobStore blobs;
    private readonly AiMetrics metrics;
    private readonly ILogger<VoiceTranscriber> logger;
    private readonly ISpeechToTextClient? speech;
    private readonly AiStatusMonitor status;
    private readonly AiOptions settings;
    private readonly Channel<TranscriptJob> queue;

    public VoiceTranscriber(
        IGrainFactory grains, IBlobStore blobs, AiMetrics metrics, AiStatusMonitor status, IOptions<AiOptions> options, ILogger<VoiceTranscriber> logger,
        ISpeechToTextClient? speech = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.grains = grains;
        this.blobs = blobs;
        this.metrics = metrics;
        this.status = status;
        this.logger = logger;
        this.speech = speech;
        settings = options.Value;
        queue = System.Threading.Channels.Channel.CreateBounded<TranscriptJob>(
            new BoundedChannelOptions(settings.TranscriptQueueBound) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => _ = FinishAsync(dropped, TranscriptStatuses.Failed, null, "dropped"));
    }

    /// <summary>Whether a new voice message of this channel gets a transcript: a usable speech model and a channel not kept out of AI.</summary>
    public async Task<bool> WantsAsync(long communityId, long channelId)
    {
        if (speech is null || !status.Transcripts.Enabled)
        {
            return false;
        }

        return !await grains.GetGrain<ICommunityGrain>(communityId).IsAiExcludedAsync(channelId);
    }

    /// <summary>Queues a sent voice message whose attachment is <c>pending</c>; never waits.</summary>
    public void Enqueue(TranscriptJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!queue.Writer.TryWrite(job))
        {
            _ = FinishAsync(job, TranscriptStatuses.Failed, null, "dropped");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await TranscribeAsync(job, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what still waits stays pending (docs/architecture.md#voice-message-transcripts).
        }
    }

    private async Task TranscribeAsync(TranscriptJob job, CancellationToken stoppingToken)
    {
        try
        {
            // Asked again: the channel may have been kept out of AI since the message was sent.
            if (speech is null || await grains.GetGrain<ICommunityGrain>(job.CommunityId).IsAiExcludedAsync(job.ChannelId))
            {
                await FinishAsync(job, TranscriptStatuses.Failed, null, "excluded");
                return;
            }

            using var wav = new MemoryStream();
            await using (var ogg = await blobs.OpenReadAsync(job.AttachmentId, stoppingToken))
            {
                if (ogg is null)
                {
                    await FinishAsync(job, TranscriptStatuses.Failed, null, "failed");
                    return;
                }

                // CPU work of a background loop, not of a grain or a request.
                VoiceMessageDecoder.DecodeToSpeechWav(ogg, new AudioLimits(VoiceMessagesApi.MaxUploadBytes, VoiceMessagesApi.MaxDuration), wav);
            }

            wav.Position = 0;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(settings.TranscriptTimeoutSeconds));
            SpeechToTextResponse response;
            try
            {
                // WaitAsync: a client that ignores its token is abandoned on time all the same.
                response = await speech.GetTextAsync(wav, null, timeout.Token).WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                LogTimedOut(logger, job.MessageId, settings.TranscriptTimeoutSeconds);
                await FinishAsync(job, TranscriptStatuses.Failed, null, "timeout");
                return;
            }

            await FinishAsync(job, TranscriptStatuses.Done, response.Text.Trim(), "done");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogFailed(logger, e, job.MessageId);
            await FinishAsync(job, TranscriptStatuses.Failed, null, "failed");
        }
    }

    /// <summary>Records the outcome on the message (which sends the <c>MessageUpdated</c>); never throws.</summary>
    private async Task FinishAsync(TranscriptJob job, string outcome, string? transcript, string metric)
    {
        metrics.Transcript(metric);
        try
        {
            await grains.GetGrain<IChannelGrain>(job.ChannelId).SetTranscriptAsync(job.MessageId, job.AttachmentId, outcome, transcript);
        }
        catch (Exception e)
        {
            LogRecordFailed(logger, e, job.MessageId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transcribing voice message {MessageId} took longer than {Seconds} s; its transcript failed")]
    private static partial void LogTimedOut(ILogger logger, long messageId, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transcribing voice message {MessageId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, long messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording the transcript of voice message {MessageId} failed; it stays pending")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, long messageId);
}
