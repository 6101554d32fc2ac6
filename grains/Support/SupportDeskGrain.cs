using Chaos.Communities;
using Chaos.Email;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Support;

/// <summary>
/// One community's support desk (docs/architecture.md#support-desk). Every routing decision happens in this grain's single
/// thread; each one is written to <c>support_conversations</c> (one row statement) before it is published or answered, and
/// a new activation rebuilds the queue and the agents' loads from those rows. So no conversation goes to two agents, and a
/// silo that dies mid-routing loses nothing: what was not written never happened, what was written is reloaded.
/// </summary>
internal sealed partial class SupportDeskGrain(
    [PersistentState("supportdesk", ChaosProviders.GrainStorage)] IPersistentState<SupportDeskState> state,
    ISupportStore store,
    IMailOutbox mail,
    SupportMetrics metrics,
    IOptions<SupportOptions> options,
    TimeProvider time,
    ILogger<SupportDeskGrain> logger) : Grain, ISupportDeskGrain
{
    /// <summary>Queued conversations in arrival order (at most <see cref="SupportOptions.MaxQueue"/>).</summary>
    private readonly List<SupportConversation> queue = [];

    /// <summary>Assigned conversations by id (at most agents × their capacity).</summary>
    private readonly Dictionary<long, SupportConversation> assigned = [];

    /// <summary>Agent id → open conversations.</summary>
    private readonly Dictionary<long, int> load = [];

    /// <summary>The queued conversation agents were last alerted about (not persisted: a failover may alert once more).</summary>
    private long alerted;

    private long CommunityId => this.GetPrimaryKeyLong();

    private SupportDeskState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var open = await store.GetOpenAsync(CommunityId, options.Value.MaxQueue + (SupportRules.MaxAgents * SupportRules.MaxConcurrent), cancellationToken);
        foreach (var conversation in open.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id))
        {
            if (conversation.Status == SupportStatus.Queued)
            {
                queue.Add(conversation);
            }
            else if (conversation.AgentId is { } agent)
            {
                assigned[conversation.Id] = conversation;
                load[agent] = OpenOf(agent) + 1;
                if (S.Agents.TryGetValue(agent, out var agentState) && conversation.AssignedAt > agentState.IdleSince)
                {
                    agentState.IdleSince = conversation.AssignedAt.Value;
                }
            }
        }

        Report();
        var period = TimeSpan.FromSeconds(options.Value.WaitAlertCheckSeconds);
        _ = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(period, period));
        await base.OnActivateAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Forget(CommunityId);
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task<SupportDeskSettings> ConfigureAsync(long actorId, SupportDeskChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        await RequirePermissionAsync(actorId, P.ManageCommunity);
        ChaosException.ThrowIfInvalid("supportDesk.greeting", SupportRules.CheckGreeting(change.Greeting));
        ChaosException.ThrowIfInvalid("supportDesk.offlineMessage", SupportRules.CheckGreeting(change.OfflineMessage));
        var before = S.Settings;
        S.Settings = new SupportDeskSettings(change.Enabled ?? before.Enabled, change.Greeting ?? before.Greeting, change.OfflineMessage ?? before.OfflineMessage);
        if (S.Settings != before)
        {
            await state.WriteStateAsync();
        }

        return S.Settings;
    }

    public async Task<SupportDeskSettings> GetSettingsAsync(long actorId)
    {
        await RequirePermissionAsync(actorId, P.HandleSupport | P.ManageCommunity, any: true);
        return S.Settings;
    }

    public Task<SupportDeskInfo> GetInfoAsync() =>
        S.Settings.Enabled
            ? Task.FromResult(new SupportDeskInfo(CommunityId, true, S.Settings.Greeting, S.Settings.OfflineMessage, AgentsWithRoom()))
            : throw ChaosException.NotFound("support desk");

    public async Task<SupportConversation> StartAsync(long conversationId, SupportGuest guest, string message)
    {
        ArgumentNullException.ThrowIfNull(guest);
        if (!S.Settings.Enabled)
        {
            throw ChaosException.NotFound("support desk");
        }

        ChaosException.ThrowIfInvalid("name", SupportRules.CheckGuestName(guest.Name));
        ChaosException.ThrowIfInvalid("email", SupportRules.CheckEmail(guest.Email));
        ChaosException.ThrowIfInvalid("message", Messages.MessageRules.CheckContent(message));
        if (Find(conversationId) is { } retried)
        {
            return WithPosition(retried);
        }

        var agent = SupportRouter.Pick(S.Agents, OpenOf);
        if (agent is null && queue.Count >= options.Value.MaxQueue)
        {
            throw new ChaosException(ErrorCodes.Conflict, "The support queue is full; try again in a few minutes.");
        }

        // The first message is written before the row, so no conversation ever exists without it; a retry with the same id
        // finds the message and writes nothing twice.
        await GrainFactory.GetGrain<ISupportConversationGrain>(conversationId).OpenAsync(CommunityId, guest.Name.Trim(), message);
        var now = time.GetUtcNow();
        var conversation = new SupportConversation(
            conversationId, CommunityId, guest with { Name = guest.Name.Trim() }, agent is null ? SupportStatus.Queued : SupportStatus.Assigned,
            agent, null, now, agent is null ? null : now, null, null);
        if (!await store.InsertAsync(conversation, CancellationToken.None))
        {
            // Started and closed before this retry arrived (an open one would have been found above).
            var existing = await store.GetAsync(conversationId, CancellationToken.None);
            return existing?.CommunityId == CommunityId ? existing : throw new ChaosException(ErrorCodes.Conflict, "This conversation id is taken.");
        }

        if (agent is { } chosen)
        {
            Track(conversation, chosen, now);
            metrics.OnAssigned(CommunityId, TimeSpan.Zero);
        }
        else
        {
            queue.Add(conversation);
        }

        Report();
        var answer = WithPosition(conversation);
        await PublishAsync(answer);
        return answer;
    }

    public async Task<SupportAgent> SetAgentAsync(long actorId, SupportAgentStatus status, int maxConcurrent, string? email)
    {
        await RequirePermissionAsync(actorId, P.HandleSupport);
        ChaosException.ThrowIfInvalid("maxConcurrent", SupportRules.CheckConcurrent(maxConcurrent));
        ChaosException.ThrowIfInvalid("email", SupportRules.CheckEmail(email));
        if (!S.Agents.TryGetValue(actorId, out var agent))
        {
            if (S.Agents.Count >= SupportRules.MaxAgents)
            {
                throw new ChaosException(ErrorCodes.Conflict, $"A support desk has at most {SupportRules.MaxAgents} agents.");
            }

            agent = new SupportAgentState { Status = SupportAgentStatus.Away, IdleSince = time.GetUtcNow() };
            S.Agents[actorId] = agent;
        }

        if (status == SupportAgentStatus.Available && agent.Status != SupportAgentStatus.Available)
        {
            agent.IdleSince = time.GetUtcNow();
        }

        agent.Status = status;
        agent.MaxConcurrent = maxConcurrent;
        agent.Email = email;
        await state.WriteStateAsync();
        await DrainAsync();
        return new SupportAgent(actorId, agent.Status, agent.MaxConcurrent, OpenOf(actorId));
    }

    public async Task<SupportConversation> AssignAsync(long actorId, long conversationId, long? agentId)
    {
        await RequirePermissionAsync(actorId, P.HandleSupport);
        var target = agentId ?? actorId;
        if (!S.Agents.TryGetValue(target, out var targetState))
        {
            throw target == actorId
                ? new ChaosException(ErrorCodes.Conflict, "Set your availability first (PUT /communities/{id}/support/agents/@me).")
                : ChaosException.Validation("agentId", "is not an agent of this support desk.");
        }

        if (target != actorId)
        {
            await RequirePermissionAsync(target, P.HandleSupport, field: "agentId");
        }

        var conversation = await LoadAsync(conversationId);
        if (conversation.Status == SupportStatus.Closed)
        {
            throw new ChaosException(ErrorCodes.Conflict, "This conversation is closed.");
        }

        if (conversation.AgentId == target)
        {
            return conversation;
        }

        if (OpenOf(target) >= targetState.MaxConcurrent)
        {
            throw new ChaosException(ErrorCodes.Conflict, "That agent has no room for another conversation.");
        }

        var now = time.GetUtcNow();
        if (!await store.AssignAsync(conversationId, target, now, CancellationToken.None))
        {
            throw new ChaosException(ErrorCodes.Conflict, "This conversation is closed.");
        }

        var queuedAt = queue.FindIndex(c => c.Id == conversationId);
        if (queuedAt >= 0)
        {
            queue.RemoveAt(queuedAt);
            metrics.OnAssigned(CommunityId, now - conversation.CreatedAt);
        }
        else
        {
            Untrack(conversation);
        }

        var updated = conversation with { Status = SupportStatus.Assigned, AgentId = target, AssignedAt = conversation.AssignedAt ?? now, QueuePosition = null };
        Track(updated, target, now);
        Report();
        await PublishAsync(updated);
        if (queuedAt >= 0)
        {
            await PublishPositionsAsync(queuedAt);
        }
        else
        {
            // The previous agent has room again.
            await DrainAsync();
        }

        return updated;
    }

    public async Task<SupportConversation> CloseAsync(SupportCaller caller, long conversationId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await AuthorizeAsync(caller, conversationId);
        var conversation = await LoadAsync(conversationId);
        if (conversation.Status == SupportStatus.Closed)
        {
            return conversation;
        }

        var now = time.GetUtcNow();
        if (!await store.CloseAsync(conversationId, now, CancellationToken.None))
        {
            return await store.GetAsync(conversationId, CancellationToken.None) ?? throw ChaosException.NotFound("conversation");
        }

        var queuedAt = queue.FindIndex(c => c.Id == conversationId);
        if (queuedAt >= 0)
        {
            queue.RemoveAt(queuedAt);
        }
        else
        {
            Untrack(conversation);
            if (conversation.AssignedAt is { } assignedAt)
            {
                metrics.OnClosed(CommunityId, now - assignedAt);
            }
        }

        var closed = conversation with { Status = SupportStatus.Closed, ClosedAt = now, QueuePosition = null };
        Report();
        await PublishAsync(closed);
        if (queuedAt >= 0)
        {
            await PublishPositionsAsync(queuedAt);
        }

        await DrainAsync();
        return closed;
    }

    public async Task<SupportConversation> GetConversationAsync(SupportCaller caller, long conversationId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await AuthorizeAsync(caller, conversationId);
        return WithPosition(await LoadAsync(conversationId));
    }

    public async Task<IReadOnlyList<SupportConversation>> ListAsync(long actorId, SupportStatus? status, long? before, int limit)
    {
        await RequirePermissionAsync(actorId, P.HandleSupport);
        var page = await store.ListAsync(CommunityId, status, before, Math.Clamp(limit, 1, 100), CancellationToken.None);
        return [.. page.Select(c => Find(c.Id) is { } live ? WithPosition(live) : c)];
    }

    public Task RequireAgentAsync(long actorId) => RequirePermissionAsync(actorId, P.HandleSupport);

    public async Task<SupportStats> GetStatsAsync(long actorId)
    {
        await RequirePermissionAsync(actorId, P.HandleSupport);
        var since = time.GetUtcNow() - TimeSpan.FromHours(options.Value.StatsWindowHours);
        var (wait, handle, rating) = await store.GetFiguresAsync(CommunityId, since, CancellationToken.None);
        var available = S.Agents.Values.Count(a => a.Status == SupportAgentStatus.Available);
        return new SupportStats(queue.Count, assigned.Count, available, Round(wait), Round(handle), Round(rating));
    }

    /// <summary>Assigns queued conversations, head first, while some available agent has room.</summary>
    private async Task DrainAsync()
    {
        var from = int.MaxValue;
        var changed = new List<SupportConversation>();
        while (queue.Count > 0 && SupportRouter.Pick(S.Agents, OpenOf) is { } agent)
        {
            var head = queue[0];
            var now = time.GetUtcNow();
            var written = await store.AssignAsync(head.Id, agent, now, CancellationToken.None);
            queue.RemoveAt(0);
            from = 0;
            if (!written)
            {
                continue;
            }

            var updated = head with { Status = SupportStatus.Assigned, AgentId = agent, AssignedAt = now, QueuePosition = null };
            Track(updated, agent, now);
            metrics.OnAssigned(CommunityId, now - head.CreatedAt);
            changed.Add(updated);
        }

        Report();
        foreach (var conversation in changed)
        {
            await PublishAsync(conversation);
        }

        if (from == 0)
        {
            await PublishPositionsAsync(0);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        // Routing after a failed write, or after an agent's status changed on a desk that failed over, happens here too.
        await DrainAsync();
        if (queue.Count == 0 || queue[0].Id == alerted || AgentsWithRoom() > 0)
        {
            return;
        }

        var head = queue[0];
        var waited = time.GetUtcNow() - head.CreatedAt;
        if (waited < TimeSpan.FromSeconds(options.Value.WaitAlertSeconds))
        {
            return;
        }

        alerted = head.Id;
        var recipients = S.Agents.Values.Select(a => a.Email).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (recipients.Count == 0 || !mail.Enabled)
        {
            return;
        }

        var minutes = (int)Math.Ceiling(waited.TotalMinutes);
        mail.Enqueue(new OutgoingMail(
            recipients,
            $"Support: a guest has waited {minutes} min with nobody available",
            $"{queue.Count} conversation(s) are waiting in support desk {CommunityId}. The longest, from {head.Guest.Name}, "
            + $"started at {head.CreatedAt:u} and no agent is available with room.\n\nSet yourself available in the agent console to take it."));
        LogWaitAlert(logger, CommunityId, head.Id, recipients.Count);
    }

    private async Task<SupportConversation> LoadAsync(long conversationId)
    {
        if (Find(conversationId) is { } live)
        {
            return live;
        }

        var stored = await store.GetAsync(conversationId, CancellationToken.None);
        return stored is not null && stored.CommunityId == CommunityId ? stored : throw ChaosException.NotFound("conversation");
    }

    private async Task AuthorizeAsync(SupportCaller caller, long conversationId)
    {
        if (caller.IsSystem)
        {
            return;
        }

        if (caller.IsGuest)
        {
            if (caller.GuestConversationId != conversationId)
            {
                throw new ChaosException(ErrorCodes.Forbidden, "A guest token opens its own conversation only.");
            }

            return;
        }

        await RequirePermissionAsync(caller.UserId!.Value, P.HandleSupport);
    }

    private async Task RequirePermissionAsync(long userId, P needed, bool any = false, string? field = null)
    {
        P permissions;
        try
        {
            permissions = await GrainFactory.GetGrain<ICommunityGrain>(CommunityId).GetPermissionsAsync(userId, null);
        }
        catch (ChaosException) when (field is not null)
        {
            throw ChaosException.Validation(field, "is not an agent of this support desk.");
        }

        var granted = any ? (permissions & needed) != 0 : (permissions & needed) == needed;
        if (!granted)
        {
            if (field is not null)
            {
                throw ChaosException.Validation(field, "is not an agent of this support desk.");
            }

            var name = (needed & P.HandleSupport) != 0 ? nameof(P.HandleSupport) : needed.ToString();
            throw new ChaosException(ErrorCodes.MissingPermission, $"This needs the {name} permission.", name, null, null);
        }
    }

    private SupportConversation? Find(long conversationId) =>
        assigned.TryGetValue(conversationId, out var live) ? live : queue.Find(c => c.Id == conversationId);

    private SupportConversation WithPosition(SupportConversation conversation)
    {
        if (conversation.Status != SupportStatus.Queued)
        {
            return conversation with { QueuePosition = null };
        }

        var index = queue.FindIndex(c => c.Id == conversation.Id);
        return conversation with { QueuePosition = index >= 0 ? index + 1 : null };
    }

    private void Track(SupportConversation conversation, long agent, DateTimeOffset now)
    {
        assigned[conversation.Id] = conversation;
        load[agent] = OpenOf(agent) + 1;
        if (S.Agents.TryGetValue(agent, out var agentState))
        {
            agentState.IdleSince = now;
        }
    }

    private void Untrack(SupportConversation conversation)
    {
        assigned.Remove(conversation.Id);
        if (conversation.AgentId is { } agent && load.TryGetValue(agent, out var open))
        {
            load[agent] = Math.Max(0, open - 1);
        }
    }

    private int OpenOf(long agent) => load.GetValueOrDefault(agent);

    private int AgentsWithRoom() => S.Agents.Count(a => a.Value.Status == SupportAgentStatus.Available && OpenOf(a.Key) < a.Value.MaxConcurrent);

    private void Report() => metrics.Report(CommunityId, queue.Count, assigned.Count);

    /// <summary>To the conversation's guest and to agents watching the desk.</summary>
    private Task PublishAsync(SupportConversation conversation)
    {
        var evt = new GatewayEvent(GatewayEvents.SupportConversationUpdated, conversation, null);
        return Task.WhenAll(
            Stream(ChaosProviders.SupportNamespace, conversation.Id).OnNextAsync(evt),
            Stream(ChaosProviders.SupportDeskNamespace, CommunityId).OnNextAsync(evt));
    }

    /// <summary>Queued guests from <paramref name="from"/> on moved up: each hears its new position (agents read the list).</summary>
    private Task PublishPositionsAsync(int from) =>
        Task.WhenAll(queue.Skip(from).Select((c, i) =>
            Stream(ChaosProviders.SupportNamespace, c.Id).OnNextAsync(new GatewayEvent(GatewayEvents.SupportConversationUpdated, c with { QueuePosition = from + i + 1 }, null))));

    private Orleans.Streams.IAsyncStream<GatewayEvent> Stream(string ns, long key) =>
        this.GetStreamProvider(ChaosProviders.Streams).GetStream<GatewayEvent>(StreamId.Create(ns, key));

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 1) : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Support desk {CommunityId}: conversation {ConversationId} waited too long; {Count} agent(s) alerted by e-mail")]
    private static partial void LogWaitAlert(ILogger logger, long communityId, long conversationId, int count);
}
