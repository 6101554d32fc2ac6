using Chaos.Accounts;
using Chaos.E2ee;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Chaos.Ids;
using Chaos.Messages;
using Chaos.PrivateChannels;
using Orleans.Streams;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Communities;

/// <summary>
/// The message path of one channel. Sends are ordered here (ChannelGrain.Sends.cs: they interleave and queue behind the
/// one commit in flight), so <c>seq</c> is assigned and made durable strictly in order: a send is acknowledged only
/// after group commit made it durable, and the seqs of a failed group are given back, so history never has a gap.
/// After a failover the next activation continues from the last durable seq. State stays bounded: the recent window,
/// nonces, authors and permissions are capped caches, and at most 5,000 sends wait in line.
/// </summary>
internal sealed partial class ChannelGrain(
    [PersistentState("channel", ChaosProviders.GrainStorage)] IPersistentState<ChannelState> state,
    IMessageStore store,
    MessageWriter writer,
    IReadStateStore readStates,
    IUserDirectory users,
    IIdGenerator ids,
    TimeProvider time,
    IPrivateChannelStore privateChannelStore,
    IReactionStore reactions,
    IPinStore pinStore,
    IE2eeStore e2eeStore,
    IMlsStore mlsStore,
    Microsoft.Extensions.Options.IOptions<ChaosStreamsOptions> streamsOptions,
    Microsoft.Extensions.Logging.ILogger<ChannelGrain> logger) : Grain, IChannelGrain
{
    private const int RecentWindow = 200;
    private const int MaxNonces = 10_000;

    /// <summary>A whole nonce window of a channel sustaining ~440 sends/s (~9 MiB at most).</summary>
    private const int MaxNonceFingerprints = 262_144;
    private const int MaxCachedPermissions = 10_000;
    private const int MaxCachedAuthors = 2_000;
    private static readonly TimeSpan TypingRate = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PermissionTtl = TimeSpan.FromMinutes(5);

    private readonly LinkedList<StoredMessage> recent = new();
    private readonly NonceMemory nonces = new(MessageRules.NonceWindow, MaxNonces, MaxNonceFingerprints);
    private readonly Dictionary<long, (P Permissions, DateTimeOffset At)> permissions = [];
    private readonly SharedLookups<long, P> permissionLookups = new();
    private long permissionChanges;
    private readonly Dictionary<long, PublicUser> authors = [];
    private readonly Dictionary<long, DateTimeOffset> lastTyping = [];
    private long lastSeq;
    private IAsyncStream<GatewayEvent>? stream;

    private long ChannelId => this.GetPrimaryKeyLong();

    private bool Exists => state.RecordExists && (state.State.CommunityId != 0 || IsPrivate);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Exists)
        {
            lastSeq = await LastSeqAsync(cancellationToken);
            publishedSeq = lastSeq;
            if (state.State.E2ee)
            {
                mlsEpoch = await mlsStore.GetEpochAsync(ChannelId, cancellationToken);
            }

            var loaded = await store.GetRecentAsync(ChannelId, RecentWindow, cancellationToken);
            foreach (var message in loaded)
            {
                Remember(message);
            }

            // The loaded messages are the newest, consecutive: every nonce from the oldest loaded one on is known, and
            // all of them when the channel has no more. Storage is asked about other nonces only until the window has
            // moved past the oldest loaded message (docs/architecture.md#sends-and-nonces).
            nonces.CoverSince(loaded.Count < RecentWindow ? DateTimeOffset.MinValue : loaded[0].CreatedAt.AddTicks(1));
        }
        else
        {
            // No message can have been stored for a channel that does not exist (yet).
            nonces.CoverSince(DateTimeOffset.MinValue);
        }

        stream = this.GetStreamProvider(ChaosProviders.Streams).GetStream<GatewayEvent>(StreamId.Create(ChaosProviders.ChannelNamespace, ChannelId));
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task AttachAsync(long communityId, ChannelType type, bool e2ee = false)
    {
        state.State = new ChannelState { CommunityId = communityId, Type = type, E2ee = e2ee };
        await state.WriteStateAsync();
    }

    public async Task DetachAsync()
    {
        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }

        DeactivateOnIdle();
    }

    public Task<long?> GetCommunityIdAsync() => Task.FromResult(Exists && !IsPrivate ? state.State.CommunityId : (long?)null);

    public Task<Message> SendMessageAsync(long authorId, string content, string? nonce, long? replyToId) => InSenderOrder(() =>
    {
        EnsureExists();
        RefusePlaintext("content");
        ChaosException.ThrowIfInvalid("content", MessageRules.CheckContent(content));
        ChaosException.ThrowIfInvalid("nonce", MessageRules.CheckNonce(nonce));
        return InLineAsync(turn => AdmitAsync(turn, authorId, content, nonce, replyToId, null, P.ViewChannel | P.SendMessages));
    });

    public Task<Message> SendVoiceMessageAsync(long authorId, Attachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        EnsureExists();
        RefusePlaintext("file");
        return InLineAsync(async turn =>
        {
            await RequireAsync(authorId, P.ViewChannel | P.SendVoiceMessages);
            await turn.WaitAsync();
            return SubmitAsync(new PendingSend(authorId, string.Empty, null, null, [attachment]));
        });
    }

    public Task<Message> SendAttachmentsAsync(long authorId, string content, string? nonce, long? replyToId, IReadOnlyList<Attachment> attachments)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        EnsureExists();
        RefusePlaintext("files");
        content ??= string.Empty;
        if (content.Trim().Length > 0)
        {
            ChaosException.ThrowIfInvalid("content", MessageRules.CheckContent(content));
        }
        else
        {
            content = string.Empty;
        }

        ChaosException.ThrowIfInvalid("nonce", MessageRules.CheckNonce(nonce));
        if (attachments.Count is 0 or > MessageRules.MaxAttachments)
        {
            throw ChaosException.Validation("files", $"A message carries 1–{MessageRules.MaxAttachments} files.");
        }

        return InLineAsync(turn => AdmitAsync(turn, authorId, content, nonce, replyToId, attachments, P.ViewChannel | P.SendMessages | P.AttachFiles));
    }

    public async Task RequirePermissionsAsync(long userId, P needed)
    {
        EnsureExists();
        await RequireAsync(userId, needed);
    }

    public async Task<Message> GetMessageAsync(long userId, long messageId)
    {
        EnsureExists();
        await RequireAsync(userId, P.ViewChannel | P.ReadMessageHistory);
        var message = await FindAsync(messageId) ?? throw ChaosException.NotFound("message");
        return (await ToMessagesAsync([message], userId))[0];
    }

    public async Task<IReadOnlyList<Message>> GetMessagesAsync(long userId, long? before, long? after, int limit)
    {
        EnsureExists();
        await RequireAsync(userId, P.ViewChannel | P.ReadMessageHistory);
        limit = Math.Clamp(limit, 1, 100);
        IReadOnlyList<StoredMessage> page;
        var live = recent.Count(m => !m.Deleted);
        if (before is null && after is null && (live >= limit || recent.Count == lastSeq))
        {
            // The newest page is served from memory when the window holds it (or the whole channel).
            page = recent.Where(m => !m.Deleted).TakeLast(limit).ToList();
        }
        else
        {
            page = await store.PageAsync(ChannelId, before, after, limit, CancellationToken.None);
        }

        return await ToMessagesAsync(page, userId);
    }

    public async Task<IReadOnlyList<Message>> GetPublishedAfterAsync(long afterSeq, int limit)
    {
        limit = Math.Clamp(limit, 1, RecentWindow);
        // Messages are remembered just before their MessageCreated goes out, so this may answer one the stream has not
        // delivered yet; the front door then drops the stream's copy as a repeat.
        if (afterSeq < lastSeq && (recent.First is not { } oldest || oldest.Value.Seq > afterSeq + 1))
        {
            // The gap starts before the window (a front door that fell far behind, docs/architecture.md#front-door-gap-fill):
            // from storage, one page per call, only what is already published.
            var stored = (await store.GetAfterSeqAsync(ChannelId, afterSeq, limit, CancellationToken.None)).Where(m => m.Seq <= lastSeq).ToList();
            return stored.Count == 0 ? [] : await ToMessagesAsync(stored);
        }

        var found = recent.Where(m => m.Seq > afterSeq && !m.Deleted).Take(limit).ToList();
        return found.Count == 0 ? [] : await ToMessagesAsync(found);
    }

    public async Task<Message> EditMessageAsync(long userId, long messageId, string content)
    {
        EnsureExists();
        RefusePlaintext("content");
        ChaosException.ThrowIfInvalid("content", MessageRules.CheckContent(content));
        await RequireAsync(userId, P.ViewChannel);
        var message = await FindAsync(messageId) ?? throw ChaosException.NotFound("message");
        if (message.AuthorId != userId)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "Only the author can edit a message.");
        }

        var updated = await store.UpdateContentAsync(ChannelId, messageId, content, MessageRules.ParseMentions(content), time.GetUtcNow(), CancellationToken.None)
            ?? throw ChaosException.NotFound("message");
        Replace(updated);

        // The event goes to everyone: its reactions carry counts with me=false (readers keep their own from
        // ReactionAdded/ReactionRemoved); the author's answer carries their own.
        await PublishAsync(GatewayEvents.MessageUpdated, (await ToMessagesAsync([updated], NoViewer))[0], null);
        await SubmitForModerationAsync([updated]);
        return (await ToMessagesAsync([updated], userId))[0];
    }

    public async Task<IReadOnlyList<long>> DeleteMessageAsync(long userId, long messageId)
    {
        EnsureExists();
        var held = await RequireAsync(userId, P.ViewChannel);
        var message = await FindAsync(messageId) ?? throw ChaosException.NotFound("message");
        if (message.AuthorId != userId && !held.HasFlag(P.ManageMessages))
        {
            throw new ChaosException(ErrorCodes.MissingPermission, "Deleting another member's message needs the ManageMessages permission.", nameof(P.ManageMessages), null, null);
        }

        if (!await store.DeleteAsync(ChannelId, messageId, CancellationToken.None))
        {
            throw ChaosException.NotFound("message");
        }

        Replace(message with { Deleted = true, Content = string.Empty, Attachments = null });
        await PublishAsync(GatewayEvents.MessageDeleted, new MessageDeleted(ChannelId, messageId), null);
        await ForgetReactionsAndPinAsync(messageId);
        return message.Attachments is { Count: > 0 } attachments ? [.. attachments.Select(a => a.Id)] : [];
    }

    public async Task StartTypingAsync(long userId)
    {
        EnsureExists();
        await RequireAsync(userId, P.ViewChannel | P.SendMessages);
        var now = time.GetUtcNow();
        if (lastTyping.TryGetValue(userId, out var last) && now - last < TypingRate)
        {
            return;
        }

        if (lastTyping.Count >= MaxCachedPermissions)
        {
            lastTyping.Clear();
        }

        lastTyping[userId] = now;
        await PublishAsync(GatewayEvents.TypingStarted, new TypingStarted(ChannelId, userId, now + MessageRules.TypingDuration), null);
    }

    public async Task<ReadState> AckAsync(long userId, long messageId)
    {
        EnsureExists();
        await RequireAsync(userId, P.ViewChannel);
        var message = await FindAsync(messageId) ?? throw ChaosException.NotFound("message");
        await readStates.SetAsync(userId, ChannelId, message.Id, message.Seq);
        var readState = await readStates.GetAsync(userId, ChannelId) ?? new ReadState(ChannelId, message.Id, (int)Math.Max(0, lastSeq - message.Seq), 0);
        await this.GetStreamProvider(ChaosProviders.Streams)
            .GetStream<GatewayEvent>(StreamId.Create(ChaosProviders.UserNamespace, userId))
            .OnNextAsync(new GatewayEvent(GatewayEvents.ReadStateUpdated, readState, null));
        return readState;
    }

    public Task InvalidatePermissionsAsync(long? userId)
    {
        InvalidatePermissions(userId);
        return Task.CompletedTask;
    }

    private void InvalidatePermissions(long? userId)
    {
        // A lookup out now may carry the old permissions: it is neither cached nor shared from here on.
        permissionChanges++;
        if (userId is { } id)
        {
            permissions.Remove(id);
            permissionLookups.Forget(id);
        }
        else
        {
            permissions.Clear();
            permissionLookups.ForgetAll();
            moderation = null;
        }
    }

    private async Task<P> RequireAsync(long userId, P needed)
    {
        if (IsPrivate)
        {
            // DMs and groups answer from their own recipient list: no community to ask.
            return RequirePrivate(userId, needed);
        }

        var now = time.GetUtcNow();
        var held = permissions.TryGetValue(userId, out var cached) && now - cached.At <= PermissionTtl
            ? cached.Permissions
            : await FetchPermissionsAsync(userId, now);
        var missing = needed & ~held;
        if (missing != P.None)
        {
            var name = Permissions.PermissionSets.Names(missing)[0];
            throw new ChaosException(ErrorCodes.MissingPermission, $"This needs the {name} permission.", name, null, null);
        }

        return held;
    }

    /// <summary>
    /// One community call per user per channel activation (or after a change), never one per message: sends of one user
    /// that arrive while the call is out share it.
    /// </summary>
    private Task<P> FetchPermissionsAsync(long userId, DateTimeOffset now) => permissionLookups.GetOrStart(userId, async () =>
    {
        var changesBefore = permissionChanges;
        var held = await GrainFactory.GetGrain<ICommunityGrain>(state.State.CommunityId).GetPermissionsAsync(userId, ChannelId);
        if (changesBefore == permissionChanges)
        {
            if (permissions.Count >= MaxCachedPermissions)
            {
                permissions.Clear();
            }

            permissions[userId] = (held, now);
        }

        return held;
    });

    private async Task<StoredMessage?> FindByNonceAsync(long authorId, string nonce, DateTimeOffset now)
    {
        switch (nonces.Find(authorId, nonce, now, out var known))
        {
            case NonceAnswer.Sent:
                return known;
            case NonceAnswer.New:
                return null;
            default:
                var stored = await LookUpStoredNonceAsync(authorId, nonce);
                if (stored is not null)
                {
                    // Only its nonce: an older message appended to the recent window would read as the newest.
                    nonces.Remember(stored);
                }

                return stored;
        }
    }

    private async Task<StoredMessage?> FindAsync(long messageId)
    {
        var local = recent.FirstOrDefault(m => m.Id == messageId);
        var message = local ?? await store.GetAsync(ChannelId, messageId, CancellationToken.None);
        return message is { Deleted: false } ? message : null;
    }

    /// <summary>Appends a message newer than every remembered one to the recent window (and its nonce).</summary>
    private void Remember(StoredMessage message)
    {
        recent.AddLast(message);
        while (recent.Count > RecentWindow)
        {
            recent.RemoveFirst();
        }

        nonces.Remember(message);
    }

    private void Replace(StoredMessage message)
    {
        for (var node = recent.First; node is not null; node = node.Next)
        {
            if (node.Value.Id == message.Id)
            {
                node.Value = message;
                return;
            }
        }
    }

    private async Task<Message> ToMessageAsync(StoredMessage message) => (await ToMessagesAsync([message]))[0];

    /// <summary>
    /// The Message objects of <paramref name="messages"/>. With a <paramref name="viewerId"/> (history, or
    /// <see cref="NoViewer"/> for a broadcast) reactions are read from the store and <c>me</c> is that viewer's; without
    /// one (new messages on the send path) none are read, since a message has none before it exists.
    /// </summary>
    private async Task<IReadOnlyList<Message>> ToMessagesAsync(IReadOnlyList<StoredMessage> messages, long? viewerId = null)
    {
        IReadOnlyDictionary<long, IReadOnlyList<Reaction>> reactionsOf = EmptyReactions;
        if (viewerId is { } viewer && messages.Count > 0)
        {
            reactionsOf = await reactions.GetSummariesAsync([.. messages.Select(m => m.Id)], viewer);
            await LoadPinsAsync();
        }

        var missing = messages.Select(m => m.AuthorId).Distinct().Where(a => !authors.ContainsKey(a)).ToList();
        if (missing.Count > 0)
        {
            if (authors.Count + missing.Count > MaxCachedAuthors)
            {
                authors.Clear();
            }

            foreach (var (id, user) in await users.GetManyAsync(missing))
            {
                authors[id] = user;
            }
        }

        var seesHidden = SeesHidden(viewerId);
        return messages.Select(m => new Message(
            m.Id, m.ChannelId, m.Seq,
            authors.TryGetValue(m.AuthorId, out var author) ? author : new PublicUser(m.AuthorId, "deleted_user", "Deleted User", Snowflake.CreatedAt(m.AuthorId)),
            Redacted(m, seesHidden) ? string.Empty : m.Content, m.CreatedAt, m.EditedAt, m.ReplyToId, m.Nonce,
            Redacted(m, seesHidden) ? [] : m.Attachments ?? [], m.Mentions, m.Flags)
        {
            Ciphertext = m.Ciphertext,
            Reactions = reactionsOf.TryGetValue(m.Id, out var reacted) ? reacted : [],
            Pinned = pins?.Contains(m.Id) ?? false,
        }).ToList();
    }

    private Task PublishAsync(string name, object payload, long? seq) => stream!.OnNextAsync(new GatewayEvent(name, payload, seq));

    private void EnsureExists()
    {
        if (!Exists)
        {
            throw ChaosException.NotFound("channel");
        }
    }
}
