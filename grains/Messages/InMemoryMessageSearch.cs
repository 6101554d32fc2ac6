namespace Chaos.Messages;

/// <summary>
/// The standalone in-memory twin of <see cref="PostgresMessageSearch"/>: a scan of the in-memory history with the same
/// word rules (<see cref="SearchRules.Words"/>; every term a word or a word's start).
/// </summary>
public sealed class InMemoryMessageSearch(IMessageStore store) : IMessageSearch
{
    private InMemoryMessageStore Messages => store as InMemoryMessageStore
        ?? throw new InvalidOperationException("The in-memory search needs the in-memory message store.");

    public Task<IReadOnlyList<StoredMessage>> SearchAsync(IReadOnlyCollection<long> channelIds, SearchQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        ArgumentNullException.ThrowIfNull(query);
        var found = Messages.Visible(channelIds)
            .Where(m => (query.AuthorId is null || m.AuthorId == query.AuthorId) && (query.Before is null || m.Id < query.Before))
            .Where(m => Matches(m.Content, query.Terms))
            .OrderByDescending(m => m.Id)
            .Take(query.Limit)
            .ToList();
        return Task.FromResult<IReadOnlyList<StoredMessage>>(found);
    }

    public Task<IReadOnlyList<StoredMessage>> MentionsAsync(IReadOnlyCollection<long> channelIds, long userId, IReadOnlyCollection<long> roleIds, long? before, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        ArgumentNullException.ThrowIfNull(roleIds);
        var roleMentions = roleIds.Select(MessageRules.RoleMention).ToList();
        var found = Messages.Visible(channelIds)
            .Where(m => before is null || m.Id < before)
            .Where(m => m.Mentions.Contains(userId)
                || (m.Flags & MessageFlags.MentionsEveryone) != 0
                || ((m.Flags & MessageFlags.MentionsRoles) != 0 && roleMentions.Exists(r => m.Content.Contains(r, StringComparison.Ordinal))))
            .OrderByDescending(m => m.Id)
            .Take(limit)
            .ToList();
        return Task.FromResult<IReadOnlyList<StoredMessage>>(found);
    }

    private static bool Matches(string content, IReadOnlyList<string> terms)
    {
        if (terms.Count == 0)
        {
            return false;
        }

        var words = SearchRules.Words(content);
        return terms.All(t => words.Exists(w => w.StartsWith(t, StringComparison.Ordinal)));
    }
}
