using Chaos.Communities;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Chaos.Ids;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Ai;

/// <summary>
/// One community's AI moderation (docs/architecture.md#ai-assistance). Channel grains hand it each sent message with a
/// one-way call, so a send never waits here. A loop on this activation classifies the backlog one message at a time
/// (the model is the bottleneck; more at once would only queue at the model server); calls to the grain interleave with
/// it at its awaits, so a hung model never blocks a submit or a moderator. The backlog is bounded by
/// <see cref="AiOptions.QueueBound"/>: beyond it the oldest waiting messages are skipped and counted. Failed model calls
/// are retried with growing pauses, so a dead model only delays verdicts; an answer outside the verdict schema is
/// retried twice, then that message is skipped. Before each call the community is asked again whether the channel is
/// still moderated, so a channel excluded (or moderation turned off) meanwhile sends nothing more to the model.
/// </summary>
internal sealed partial class ModerationGrain(
    IModerationStore store,
    ICommunityStore communities,
    ModerationClassifier classifier,
    IOptions<AiOptions> options,
    AiMetrics metrics,
    IIdGenerator ids,
    TimeProvider time,
    ILogger<ModerationGrain> logger) : Grain, IModerationGrain
{
    private const int MaxSchemaAttempts = 3;
    private const int MaxPageSize = 100;
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    private readonly LinkedList<ModerationCandidate> pending = new();
    private readonly CancellationTokenSource stopping = new();
    private bool running;
    private int classified;
    private int flagged;
    private int skipped;

    private long CommunityId => this.GetPrimaryKeyLong();

    private ICommunityGrain Community => GrainFactory.GetGrain<ICommunityGrain>(CommunityId);

    public Task SubmitAsync(IReadOnlyList<ModerationCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (!classifier.Enabled)
        {
            return Task.CompletedTask;
        }

        foreach (var candidate in candidates)
        {
            if (!string.IsNullOrWhiteSpace(candidate.Content))
            {
                pending.AddLast(candidate);
            }
        }

        Trim();
        if (!running && pending.Count > 0)
        {
            running = true;
            // Runs on this activation's scheduler, interleaving with calls only at its awaits (not a call itself).
            _ = RunAsync();
        }

        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<ModerationItem>> GetQueueAsync(long actorId, ModerationStatus? status, long? before, int limit)
    {
        await RequireModeratorAsync(actorId);
        return await store.PageAsync(CommunityId, status, before, Math.Clamp(limit, 1, MaxPageSize));
    }

    public async Task<ModerationDecision> DecideAsync(long actorId, long itemId, ModerationStatus status)
    {
        if (status == ModerationStatus.Open)
        {
            throw ChaosException.Validation("status", "A decision is \"dismissed\" or \"removed\".");
        }

        await RequireModeratorAsync(actorId);
        var item = await store.GetAsync(CommunityId, itemId) ?? throw ChaosException.NotFound("moderation item");
        if (item.Status != ModerationStatus.Open)
        {
            throw new ChaosException(ErrorCodes.Conflict, $"This item was already {Name(item.Status)}.");
        }

        var channel = GrainFactory.GetGrain<IChannelGrain>(item.ChannelId);
        IReadOnlyList<long> removedAttachments = [];
        if (status == ModerationStatus.Removed)
        {
            try
            {
                // As the moderator: the channel checks their ManageMessages there.
                removedAttachments = await channel.DeleteMessageAsync(actorId, item.MessageId);
            }
            catch (ChaosException e) when (e.Code == ErrorCodes.NotFound)
            {
                // Deleted meanwhile (by its author, say): removing it is done.
            }
        }

        var decided = await store.DecideAsync(CommunityId, itemId, status, actorId, time.GetUtcNow())
            ?? throw new ChaosException(ErrorCodes.Conflict, "Another moderator decided this item first.");
        if (status == ModerationStatus.Dismissed)
        {
            try
            {
                await channel.SetHiddenAsync(item.MessageId, false);
            }
            catch (ChaosException e) when (e.Code == ErrorCodes.NotFound)
            {
                // The channel is gone: nothing to show again.
            }
        }

        await communities.AppendAuditAsync(new AuditEntry(
            ids.NextId(), CommunityId, actorId, status == ModerationStatus.Removed ? "moderation.remove" : "moderation.dismiss", item.MessageId, null,
            new Dictionary<string, AuditChange>
            {
                ["status"] = new("open", Name(status)),
                ["category"] = new(null, item.Category),
                ["channelId"] = new(null, item.ChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            },
            time.GetUtcNow()));
        return new ModerationDecision(decided, removedAttachments);
    }

    public async Task<ModerationBacklog> GetBacklogAsync(long actorId)
    {
        await RequireModeratorAsync(actorId);
        var mode = (await Community.GetAsync(actorId)).Ai?.Moderation ?? ModerationMode.Off;
        return new ModerationBacklog(mode, pending.Count, classified, flagged, skipped);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        stopping.Cancel();
        if (pending.Count > 0)
        {
            LogDropped(logger, pending.Count, CommunityId);
            Skip(pending.Count);
            pending.Clear();
        }

        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Keeps the backlog within its bound by skipping the oldest waiting messages.</summary>
    private void Trim()
    {
        var over = pending.Count - options.Value.QueueBound;
        if (over <= 0)
        {
            return;
        }

        for (var i = 0; i < over; i++)
        {
            pending.RemoveFirst();
        }

        Skip(over);
        LogSkipped(logger, over, CommunityId);
    }

    private void Skip(int count)
    {
        skipped += count;
        metrics.ModerationSkipped(count);
    }

    private async Task RunAsync()
    {
        var pause = FirstPause;
        var schemaFailures = 0;
        try
        {
            while (pending.First is { } first && !stopping.IsCancellationRequested)
            {
                // An activation with work waiting is not idle, whatever its call count says.
                DelayDeactivation(TimeSpan.FromMinutes(5));
                var candidate = first.Value;
                pending.RemoveFirst();
                var mode = await ModeOfAsync(candidate.ChannelId);
                if (mode == ModerationMode.Off)
                {
                    continue;
                }

                ModerationVerdict verdict;
                try
                {
                    verdict = await classifier.ClassifyAsync(candidate.Content, stopping.Token);
                    pause = FirstPause;
                    schemaFailures = 0;
                }
                catch (ChaosException e) when (e.Code == ErrorCodes.AiUnavailable && !stopping.IsCancellationRequested)
                {
                    if (e.Message == ModerationClassifier.OutsideSchema && ++schemaFailures >= MaxSchemaAttempts)
                    {
                        schemaFailures = 0;
                        Skip(1);
                        LogUnclassifiable(logger, candidate.MessageId);
                        continue;
                    }

                    // The model failed, not the message: put it back in front and wait before asking again.
                    pending.AddFirst(candidate);
                    Trim();
                    LogModelFailed(logger, CommunityId, e.Message, pause.TotalSeconds);
                    await Task.Delay(pause, time, stopping.Token);
                    pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
                    continue;
                }

                // Counted once queued: the status is read between this loop's awaits, and a count that ran ahead of
                // the queue would promise an item a moderator cannot see yet.
                if (verdict.Flagged)
                {
                    await QueueAsync(candidate, verdict, mode);
                    flagged++;
                }

                classified++;
                metrics.ModerationClassified(verdict.Flagged);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Deactivating: OnDeactivateAsync counts what is left.
        }
        catch (Exception e)
        {
            LogLoopFailed(logger, e, CommunityId);
        }
        finally
        {
            running = false;
        }

        if (pending.Count > 0 && !stopping.IsCancellationRequested)
        {
            running = true;
            _ = RunAsync();
        }
    }

    /// <summary>The mode for one channel now: off when moderation is off, the channel excluded or gone.</summary>
    private async Task<ModerationMode> ModeOfAsync(long channelId)
    {
        try
        {
            return await Community.GetModerationModeAsync(channelId);
        }
        catch (ChaosException)
        {
            return ModerationMode.Off;
        }
    }

    private async Task QueueAsync(ModerationCandidate candidate, ModerationVerdict verdict, ModerationMode mode)
    {
        try
        {
            var item = new ModerationItem(
                ids.NextId(), CommunityId, candidate.ChannelId, candidate.MessageId, candidate.AuthorId, verdict.Category, verdict.Reason,
                ModerationStatus.Open, time.GetUtcNow());
            if (!await store.AddAsync(item))
            {
                // Queued before (an edit of a flagged message): one item per message.
                return;
            }

            if (mode == ModerationMode.Hide)
            {
                await GrainFactory.GetGrain<IChannelGrain>(candidate.ChannelId).SetHiddenAsync(candidate.MessageId, true);
            }

            await this.GetStreamProvider(ChaosProviders.Streams)
                .GetStream<GatewayEvent>(StreamId.Create(ChaosProviders.CommunityNamespace, CommunityId))
                .OnNextAsync(new GatewayEvent(GatewayEvents.ModerationQueued, new ModerationQueued(CommunityId, item.Id, item.ChannelId, item.MessageId), null));
            LogFlagged(logger, candidate.MessageId, verdict.Category, CommunityId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogQueueFailed(logger, e, candidate.MessageId);
        }
    }

    private async Task RequireModeratorAsync(long actorId)
    {
        var held = await Community.GetPermissionsAsync(actorId, null);
        if (!held.HasFlag(P.ManageMessages))
        {
            throw new ChaosException(ErrorCodes.MissingPermission, "The moderation queue needs the ManageMessages permission.", nameof(P.ManageMessages), null, null);
        }
    }

    private static string Name(ModerationStatus status) => status.ToString().ToLowerInvariant();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moderation backlog of community {CommunityId} full: skipped the {Count} oldest unclassified messages")]
    private static partial void LogSkipped(ILogger logger, int count, long communityId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moderation of community {CommunityId} deactivating with {Count} unclassified messages; they are skipped")]
    private static partial void LogDropped(ILogger logger, int count, long communityId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Moderation of community {CommunityId} waits for the model ({Error}); next try in {Seconds} s")]
    private static partial void LogModelFailed(ILogger logger, long communityId, string error, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} skipped: the model kept answering outside the verdict schema")]
    private static partial void LogUnclassifiable(ILogger logger, long messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} flagged as {Category} in community {CommunityId}")]
    private static partial void LogFlagged(ILogger logger, long messageId, string category, long communityId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queueing flagged message {MessageId} failed")]
    private static partial void LogQueueFailed(ILogger logger, Exception exception, long messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Moderation loop of community {CommunityId} failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, long communityId);
}
