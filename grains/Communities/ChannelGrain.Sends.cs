using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Messages;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Communities;

/// <summary>
/// The send pipeline. Sends interleave (<see cref="IChannelGrain.SendMessageAsync"/> is <c>AlwaysInterleave</c>), so
/// while one group of messages commits, the next sends are checked and queue up behind it. One commit loop per
/// activation takes everything queued as the next group, assigns <c>seq</c>, writes the group all-or-nothing through
/// group commit, and only then remembers, publishes (in <c>seq</c> order) and acknowledges it. At most one group is in
/// flight, so a failed group gives its <c>seq</c>s back and nothing after it was written: history never has a gap.
/// </summary>
internal sealed partial class ChannelGrain
{
    /// <summary>Messages per commit of one channel (the writer may still batch several channels' groups together).</summary>
    private const int MaxGroup = 128;

    /// <summary>Sends waiting behind the commit in flight; beyond this the channel answers <c>unavailable</c> (retry).</summary>
    private const int MaxQueuedSends = 5_000;

    private readonly Queue<PendingSend> queued = new();
    private Task admitted = Task.CompletedTask;
    private readonly Dictionary<(long Author, string Nonce), PendingSend> sending = [];
    private bool committing;

    /// <summary>
    /// Takes a place in line as the call arrives. The checks before queueing may await (a permission or nonce lookup)
    /// and so finish out of order; <see cref="AdmissionTurn.WaitAsync"/> lets a send queue only after every send that
    /// arrived before it queued or failed, so the channel's seq order is the order sends arrived in (a client's
    /// pipelined sends keep their order).
    /// </summary>
    private AdmissionTurn Admission()
    {
        var turn = new AdmissionTurn(admitted);
        admitted = turn.Done;
        return turn;
    }

    /// <summary>
    /// Runs a send's checks in its place in line (taken now, as the call arrives) and answers its completion; the place
    /// is given up once the send is queued or its checks failed, never later.
    /// </summary>
    private async Task<Message> InLineAsync(Func<AdmissionTurn, Task<Task<Message>>> admit)
    {
        var turn = Admission();
        Task<Message> result;
        try
        {
            result = await admit(turn);
        }
        finally
        {
            turn.Dispose();
        }

        return await result;
    }

    /// <summary>
    /// The checks of a text send (or one with uploaded files); answers the send's completion once it is queued (or the
    /// original of a repeated nonce).
    /// </summary>
    private async Task<Task<Message>> AdmitAsync(AdmissionTurn turn, long authorId, string content, string? nonce, long? replyToId, IReadOnlyList<Attachment>? attachments, P needed)
    {
        await RequireAsync(authorId, needed);
        if (nonce is not null)
        {
            if (sending.TryGetValue((authorId, nonce), out var inFlight))
            {
                return inFlight.Completion.Task;
            }

            if (await FindByNonceAsync(authorId, nonce, time.GetUtcNow()) is { } original)
            {
                return ToMessageAsync(original);
            }
        }

        if (replyToId is { } reply && await FindAsync(reply) is null)
        {
            throw ChaosException.Validation("replyToId", "replyToId must be a message of this channel.");
        }

        await turn.WaitAsync();
        return SubmitAsync(new PendingSend(authorId, content, nonce, replyToId, attachments));
    }

    /// <summary>Queues a checked send (synchronously, so its place in line is fixed) and completes once it is published.</summary>
    private Task<Message> SubmitAsync(PendingSend send)
    {
        // Re-checked here, without awaiting, because another send of the same nonce may have queued or committed
        // while this one awaited its permission or reply checks.
        if (send.Nonce is { } nonce)
        {
            if (sending.TryGetValue((send.AuthorId, nonce), out var inFlight))
            {
                return inFlight.Completion.Task;
            }

            if (nonces.Find(send.AuthorId, nonce, time.GetUtcNow(), out var known) == NonceAnswer.Sent)
            {
                return ToMessageAsync(known!);
            }
        }

        EnsureExists();
        if (queued.Count >= MaxQueuedSends)
        {
            throw new ChaosException(ErrorCodes.Unavailable, "The channel is busy; retry the send with the same nonce.");
        }

        if (send.Nonce is { } key)
        {
            sending[(send.AuthorId, key)] = send;
        }

        queued.Enqueue(send);
        if (!committing)
        {
            committing = true;
            // Runs on this activation's scheduler, interleaving with calls only at its awaits.
            _ = CommitLoopAsync();
        }

        return send.Completion.Task;
    }

    private async Task CommitLoopAsync()
    {
        try
        {
            while (queued.Count > 0)
            {
                var group = TakeGroup();
                try
                {
                    await CommitAsync(group);
                }
                catch (Exception exception)
                {
                    // CommitAsync settles every send itself; this only guards against a bug leaving a caller hanging.
                    Settle(group, exception);
                }
            }
        }
        finally
        {
            committing = false;
        }
    }

    private List<PendingSend> TakeGroup()
    {
        var group = new List<PendingSend> { queued.Dequeue() };
        if (group[0].Alone)
        {
            return group;
        }

        while (group.Count < MaxGroup && queued.TryPeek(out var next) && !next.Alone)
        {
            group.Add(queued.Dequeue());
        }

        return group;
    }

    private async Task CommitAsync(List<PendingSend> group)
    {
        if (group[0].Mls is not null)
        {
            // Handshake messages commit alone (TakeGroup): their epoch check needs every earlier seq settled.
            await CommitMlsAsync(group[0]);
            return;
        }

        var now = time.GetUtcNow();
        var messages = new List<StoredMessage>(group.Count);
        var seq = lastSeq;
        foreach (var send in group)
        {
            var mentions = send.Content.Length == 0 ? [] : MessageRules.ParseMentions(send.Content);
            messages.Add(new StoredMessage(ids.NextId(), ChannelId, ++seq, send.AuthorId, send.Content, now, null, send.ReplyToId, send.Nonce, mentions, MentionFlagsOf(send.AuthorId, send.Content), false, send.Attachments, send.Ciphertext));
        }

        try
        {
            await writer.WriteAsync(messages);
        }
        catch (DuplicateMessageException)
        {
            // A seq was taken by a write whose acknowledgement this activation never saw (a commit that raced a
            // failure, or a second activation): continue from what is really stored, and answer a retried nonce with
            // what was stored for it.
            lastSeq = await LastSeqAsync(CancellationToken.None);
            recent.Clear();
            foreach (var message in await store.GetRecentAsync(ChannelId, RecentWindow, CancellationToken.None))
            {
                Remember(message);
            }

            await SettleFromStoreAsync(group, now);
            return;
        }
        catch (Exception exception) when (group.Count > 1 && MessageWriter.IsCausedByData(exception))
        {
            // One send's data was refused: retry each alone, at the head of the line, so only that one fails.
            var behind = queued.ToList();
            queued.Clear();
            foreach (var send in group)
            {
                send.Alone = true;
                queued.Enqueue(send);
            }

            foreach (var send in behind)
            {
                queued.Enqueue(send);
            }

            return;
        }
        catch (Exception exception)
        {
            Settle(group, exception);
            return;
        }

        lastSeq = seq;
        foreach (var message in messages)
        {
            Remember(message);
        }

        var results = await ToMessagesAsync(messages);
        if (PushesMessages)
        {
            // One push per front door for the whole batch, after the commit (docs/architecture.md#push-relay-for-channel-events).
            Push([.. results.Select(r => new GatewayEvent(GatewayEvents.MessageCreated, r, r.Seq))]);
            publishedSeq = Math.Max(publishedSeq, seq);
            for (var i = 0; i < group.Count; i++)
            {
                Settle(group[i], results[i]);
            }

            await SubmitForModerationAsync(messages);
            return;
        }

        for (var i = 0; i < group.Count; i++)
        {
            try
            {
                await PublishAsync(GatewayEvents.MessageCreated, results[i], results[i].Seq);
                publishedSeq = Math.Max(publishedSeq, results[i].Seq);
                Settle(group[i], results[i]);
            }
            catch (Exception exception)
            {
                // Durable but not announced: the caller retries with its nonce and gets the stored message back.
                Settle(group[i], exception);
            }
        }

        // After every send of the group is answered: moderation never delays one (docs/architecture.md#ai-assistance).
        await SubmitForModerationAsync(messages);
    }

    private async Task SettleFromStoreAsync(List<PendingSend> group, DateTimeOffset now)
    {
        foreach (var send in group)
        {
            if (send.Nonce is { } nonce && await store.FindByNonceAsync(ChannelId, send.AuthorId, nonce, now - MessageRules.NonceWindow, CancellationToken.None) is { } stored)
            {
                nonces.Remember(stored);
                Settle(send, (await ToMessagesAsync([stored]))[0]);
            }
            else
            {
                Settle(send, new ChaosException(ErrorCodes.Unavailable, "The channel was recovering; retry the send with the same nonce."));
            }
        }
    }

    private void Settle(List<PendingSend> group, Exception exception)
    {
        foreach (var send in group)
        {
            Settle(send, exception);
        }
    }

    private void Settle(PendingSend send, Message message)
    {
        Forget(send);
        send.Completion.TrySetResult(message);
    }

    private void Settle(PendingSend send, Exception exception)
    {
        Forget(send);
        if (send.Mls is { } mls)
        {
            mls.Completion.TrySetException(exception);
        }
        else
        {
            send.Completion.TrySetException(exception);
        }
    }

    private void Forget(PendingSend send)
    {
        if (send.Nonce is { } nonce && sending.TryGetValue((send.AuthorId, nonce), out var current) && current == send)
        {
            sending.Remove((send.AuthorId, nonce));
        }
    }

    private sealed class AdmissionTurn(Task previous) : IDisposable
    {
        private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Done => done.Task;

        public Task WaitAsync() => previous;

        /// <summary>Queued or failed: the next send in line may go.</summary>
        public void Dispose() => done.TrySetResult();
    }

    private sealed class PendingSend(long authorId, string content, string? nonce, long? replyToId, IReadOnlyList<Attachment>? attachments)
    {
        public long AuthorId { get; } = authorId;

        public string Content { get; } = content;

        public string? Nonce { get; } = nonce;

        public long? ReplyToId { get; } = replyToId;

        public IReadOnlyList<Attachment>? Attachments { get; } = attachments;

        /// <summary>An encrypted message of an e2ee channel (its content is empty).</summary>
        public byte[]? Ciphertext { get; init; }

        /// <summary>An MLS handshake message instead of a chat message; always committed alone.</summary>
        public PendingMls? Mls { get; init; }

        /// <summary>Commit in a group of its own (its group was refused for some send's data).</summary>
        public bool Alone { get; set; }

        public TaskCompletionSource<Message> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
