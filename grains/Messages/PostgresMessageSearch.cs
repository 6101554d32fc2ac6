using System.Globalization;
using Npgsql;

namespace Chaos.Messages;

/// <summary>
/// Search with PostgreSQL full-text search over the GIN expression index <c>messages_search_idx</c> (migration 0041,
/// configuration <c>chaos_search</c>: simple, so every script is matched the same way), and the mentions inbox.
/// </summary>
public sealed class PostgresMessageSearch(NpgsqlDataSource dataSource) : IMessageSearch
{
    /// <summary>Written exactly as in the partial index <c>messages_mentions_idx</c>, so the planner can use it.</summary>
    private const string NoMentions = "'{}'";

    public async Task<IReadOnlyList<StoredMessage>> SearchAsync(IReadOnlyCollection<long> channelIds, SearchQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        ArgumentNullException.ThrowIfNull(query);
        if (channelIds.Count == 0 || query.Terms.Count == 0)
        {
            return [];
        }

        // The expression must be the index's exactly (to_tsvector('chaos_search'::regconfig, content)) for the index to serve it.
        await using var command = dataSource.CreateCommand($"""
            SELECT {PostgresMessageStore.Columns} FROM messages
            WHERE channel_id = ANY($1) AND NOT deleted
              AND to_tsvector('chaos_search'::regconfig, content) @@ to_tsquery('chaos_search'::regconfig, $2)
              AND ($3::bigint IS NULL OR author_id = $3) AND ($4::bigint IS NULL OR id < $4)
            ORDER BY id DESC LIMIT $5
            """);
        command.Parameters.AddWithValue(channelIds.ToArray());
        command.Parameters.AddWithValue(ToTsQuery(query.Terms));
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = query.AuthorId });
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = query.Before });
        command.Parameters.AddWithValue(query.Limit);
        return await PostgresMessageStore.ReadListAsync(command, ct);
    }

    public async Task<IReadOnlyList<StoredMessage>> MentionsAsync(IReadOnlyCollection<long> channelIds, long userId, IReadOnlyCollection<long> roleIds, long? before, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        ArgumentNullException.ThrowIfNull(roleIds);
        if (channelIds.Count == 0)
        {
            return [];
        }

        // Each branch repeats its partial index's predicate so the planner can combine the indexes (BitmapOr).
        await using var command = dataSource.CreateCommand($"""
            SELECT {PostgresMessageStore.Columns} FROM messages
            WHERE channel_id = ANY($1) AND NOT deleted AND ($4::bigint IS NULL OR id < $4)
              AND ((mentions <> {NoMentions} AND mentions @> ARRAY[$2::bigint])
                   OR ((flags & 3) <> 0 AND ((flags & 1) <> 0 OR ((flags & 2) <> 0 AND content LIKE ANY($3)))))
            ORDER BY id DESC LIMIT $5
            """);
        command.Parameters.AddWithValue(channelIds.ToArray());
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(roleIds.Select(r => "%" + MessageRules.RoleMention(r) + "%").ToArray());
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = before });
        command.Parameters.AddWithValue(limit);
        return await PostgresMessageStore.ReadListAsync(command, ct);
    }

    /// <summary>
    /// Every term must match a word or a word's start (<c>term:*</c>). Terms are letters, marks and digits only
    /// (<see cref="SearchRules"/>), so none can carry tsquery syntax; quoting keeps it that way regardless.
    /// </summary>
    internal static string ToTsQuery(IReadOnlyList<string> terms) =>
        string.Join(" & ", terms.Select(t => string.Create(CultureInfo.InvariantCulture, $"'{t.Replace("'", "''", StringComparison.Ordinal)}':*")));
}
