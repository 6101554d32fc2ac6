using Chaos.E2ee;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Messages;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Communities;

/// <summary>
/// End-to-end encrypted channels (docs/architecture.md#end-to-end-encryption): the channel is the MLS Delivery Service.
/// Encrypted messages and handshake messages go through the one send pipeline, so they share the channel's gap-free
/// <c>seq</c>: that total order is what MLS needs to agree on which commit made each epoch. The channel checks epochs,
/// sizes and who is addressed; it cannot read anything it relays.
/// </summary>
internal sealed partial class ChannelGrain
{
    /// <summary>The MLS epoch the channel is at: one past its newest accepted commit's (0 before the first commit).</summary>
    private long mlsEpoch;

    public Task<bool> IsE2eeAsync()
    {
        EnsureExists();
        return Task.FromResult(state.State.E2ee);
    }

    public Task<Message> SendCiphertextAsync(long authorId, byte[] ciphertext, string? nonce, long? replyToId)
    {
        EnsureExists();
        if (!state.State.E2ee)
        {
            throw ChaosException.Validation("ciphertext", "This channel is not end-to-end encrypted: send content, not ciphertext.");
        }

        if (ciphertext is not { Length: > 0 and <= E2eeRules.MaxCiphertextBytes })
        {
            throw ChaosException.Validation("ciphertext", $"ciphertext is 1–{E2eeRules.MaxCiphertextBytes} bytes.");
        }

        ChaosException.ThrowIfInvalid("nonce", MessageRules.CheckNonce(nonce));
        return InLineAsync(turn => AdmitCiphertextAsync(turn, authorId, ciphertext, nonce, replyToId));
    }

    public async Task<MlsPosted> PostMlsAsync(long userId, long deviceId, MlsKind kind, long epoch, byte[] payload, IReadOnlyList<long>? recipientDeviceIds)
    {
        EnsureExists();
        EnsureE2ee();
        if (payload is not { Length: > 0 and <= E2eeRules.MaxMlsPayloadBytes })
        {
            throw ChaosException.Validation("payload", $"payload is 1–{E2eeRules.MaxMlsPayloadBytes} bytes.");
        }

        if (epoch < 0)
        {
            throw ChaosException.Validation("epoch", "epoch must not be negative.");
        }

        IReadOnlyList<long> recipients = [];
        if (kind == MlsKind.Welcome)
        {
            recipients = recipientDeviceIds?.Distinct().ToList() ?? [];
            if (recipients.Count is 0 or > E2eeRules.MaxWelcomeRecipients)
            {
                throw ChaosException.Validation("recipientDeviceIds", $"A welcome names 1–{E2eeRules.MaxWelcomeRecipients} devices.");
            }
        }
        else if (recipientDeviceIds is { Count: > 0 })
        {
            throw ChaosException.Validation("recipientDeviceIds", "Only a welcome names recipient devices.");
        }

        var pending = new PendingMls(deviceId, kind, epoch, payload, recipients);
        var turn = Admission();
        try
        {
            await RequireAsync(userId, MlsPermissions);
            await RequireOwnDeviceAsync(userId, deviceId);
            if (recipients.Count > 0)
            {
                await RequireMemberDevicesAsync(recipients);
            }

            await turn.WaitAsync();
            // Its Message completion is never used: the handshake message settles pending.Completion instead.
            _ = SubmitAsync(new PendingSend(userId, string.Empty, null, null, null) { Mls = pending, Alone = true });
        }
        finally
        {
            turn.Dispose();
        }

        return await pending.Completion.Task;
    }

    public async Task<IReadOnlyList<MlsMessage>> GetMlsAsync(long userId, long? deviceId, long afterSeq, int limit)
    {
        EnsureExists();
        EnsureE2ee();
        await RequireAsync(userId, P.ViewChannel | P.ReadMessageHistory);
        if (deviceId is { } device)
        {
            await RequireOwnDeviceAsync(userId, device);
        }

        return await mlsStore.PageAsync(ChannelId, Math.Max(0, afterSeq), deviceId, Math.Clamp(limit, 1, E2eeRules.MaxMlsPage), CancellationToken.None);
    }

    /// <summary>Voice channels need Connect to take part in their group; DMs, groups and text channels need SendMessages.</summary>
    private P MlsPermissions => state.State.Type == ChannelType.Voice ? P.ViewChannel | P.Connect : P.ViewChannel | P.SendMessages;

    private async Task<Task<Message>> AdmitCiphertextAsync(AdmissionTurn turn, long authorId, byte[] ciphertext, string? nonce, long? replyToId)
    {
        await RequireAsync(authorId, P.ViewChannel | P.SendMessages);
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
        return SubmitAsync(new PendingSend(authorId, string.Empty, nonce, replyToId, null) { Ciphertext = ciphertext });
    }

    /// <summary>
    /// Commits one handshake message in its place in line. The epoch is checked here, not at admission: only now is every
    /// earlier seq settled, so of two commits for the same epoch exactly the first in line is accepted.
    /// </summary>
    private async Task CommitMlsAsync(PendingSend send)
    {
        var mls = send.Mls!;
        var stale = mls.Kind switch
        {
            MlsKind.Welcome => mls.Epoch > mlsEpoch,
            _ => mls.Epoch != mlsEpoch,
        };
        if (stale)
        {
            Settle(send, new ChaosException(ErrorCodes.Conflict, $"The channel is at epoch {mlsEpoch}; a {mls.Kind.ToString().ToLowerInvariant()} for epoch {mls.Epoch} is not accepted."));
            return;
        }

        var message = new MlsMessage(ChannelId, lastSeq + 1, mls.Kind, mls.Epoch, send.AuthorId, mls.DeviceId, mls.Payload, time.GetUtcNow());
        try
        {
            await mlsStore.AppendAsync(message, mls.Recipients, CancellationToken.None);
        }
        catch (DuplicateMessageException)
        {
            // The seq was taken by a write this activation never saw: continue from what is stored; the client retries.
            lastSeq = await LastSeqAsync(CancellationToken.None);
            mlsEpoch = await mlsStore.GetEpochAsync(ChannelId, CancellationToken.None);
            Settle(send, new ChaosException(ErrorCodes.Unavailable, "The channel was recovering; retry."));
            return;
        }
        catch (Exception exception)
        {
            Settle(send, exception);
            return;
        }

        lastSeq = message.Seq;
        if (mls.Kind == MlsKind.Commit)
        {
            mlsEpoch = mls.Epoch + 1;
        }

        var posted = new MlsPosted(message.Seq, mlsEpoch);
        try
        {
            // A welcome travels as a front-door-only event naming its devices; everything else reaches the whole channel.
            object payload = mls.Kind == MlsKind.Welcome ? new MlsWelcomeDelivery(message, mls.Recipients) : message;
            if (PushesMessages)
            {
                // On the same path as the channel's MessageCreated, which shares its seq space: a message of a new epoch
                // never overtakes the commit that opened it (docs/architecture.md#push-relay-for-channel-events).
                Push([new GatewayEvent(GatewayEvents.MlsMessage, payload, message.Seq)]);
                publishedSeq = Math.Max(publishedSeq, message.Seq);
            }
            else
            {
                await PublishAsync(GatewayEvents.MlsMessage, payload, message.Seq);
            }

            Forget(send);
            mls.Completion.TrySetResult(posted);
        }
        catch (Exception exception)
        {
            // Durable but not announced: clients that replay from the store still see it in order.
            Settle(send, exception);
        }
    }

    /// <summary>The highest seq of the channel over messages and, in an e2ee channel, handshake messages.</summary>
    private async Task<long> LastSeqAsync(CancellationToken ct)
    {
        var last = await store.GetLastSeqAsync(ChannelId, ct);
        return state.State.E2ee ? Math.Max(last, await mlsStore.GetLastSeqAsync(ChannelId, ct)) : last;
    }

    private async Task RequireOwnDeviceAsync(long userId, long deviceId)
    {
        var found = await e2eeStore.FindDevicesAsync([deviceId], CancellationToken.None);
        if (found.Count == 0 || found[0].UserId != userId)
        {
            throw ChaosException.NotFound("device");
        }
    }

    /// <summary>Every addressed device must exist and belong to someone who may be in this channel's group.</summary>
    private async Task RequireMemberDevicesAsync(IReadOnlyList<long> deviceIds)
    {
        var found = await e2eeStore.FindDevicesAsync(deviceIds, CancellationToken.None);
        if (found.Count != deviceIds.Count)
        {
            throw ChaosException.Validation("recipientDeviceIds", "Every recipient device must be a registered device.");
        }

        foreach (var owner in found.Select(d => d.UserId).Distinct())
        {
            try
            {
                await RequireAsync(owner, P.ViewChannel);
            }
            catch (ChaosException)
            {
                throw ChaosException.Validation("recipientDeviceIds", "Every recipient device must belong to a member of this channel.");
            }
        }
    }

    private void RefusePlaintext(string field)
    {
        if (state.State.E2ee)
        {
            // docs/api.md#end-to-end-encryption: the server never accepts plaintext where members expect encryption.
            throw ChaosException.Validation(field, "This channel is end-to-end encrypted: it accepts only ciphertext, never content or files.");
        }
    }

    private void EnsureE2ee()
    {
        if (!state.State.E2ee)
        {
            throw ChaosException.Validation("channel", "This channel is not end-to-end encrypted.");
        }
    }

    private sealed class PendingMls(long deviceId, MlsKind kind, long epoch, byte[] payload, IReadOnlyList<long> recipients)
    {
        public long DeviceId { get; } = deviceId;

        public MlsKind Kind { get; } = kind;

        public long Epoch { get; } = epoch;

        public byte[] Payload { get; } = payload;

        public IReadOnlyList<long> Recipients { get; } = recipients;

        public TaskCompletionSource<MlsPosted> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
