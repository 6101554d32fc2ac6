using System.Globalization;
using Npgsql;

namespace Chaos.Messages;

/// <summary>
/// Search with PostgreSQL full-text search over the GIN expression index <c>messages_search_idx</c> (migration 0041,
/// configuration <c>chaos_search</c>: simple, so every script is matched the same way), and the mentions inbox. A search
/// costs about the same for a rare word and one in every other message (docs/architecture.md#search-cost): the newest
/// rows of each channel are matched first, then older rows through the index in growing id windows.
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

        // Step 1: the newest messages of each channel, matched one by one (docs/architecture.md#search-cost). A common
        // word is answered here from a few hundred rows, never from its whole (possibly enormous) posting list.
        var channels = channelIds.ToArray();
        var tsQuery = ToTsQuery(query.Terms);
        var results = new List<StoredMessage>(query.Limit);
        long frontier;
        long newest;
        await using (var walk = WalkCommand(dataSource, channels, tsQuery, query.AuthorId, query.Before, WalkDepth(channels.Length), query.Limit))
        await using (var reader = await walk.ExecuteReaderAsync(ct))
        {
            (frontier, newest) = (-1, -1);
            while (await reader.ReadAsync(ct))
            {
                (frontier, newest) = (reader.GetInt64(0), reader.GetInt64(1));
                if (!reader.IsDBNull(2))
                {
                    results.Add(PostgresMessageStore.Read(reader, offset: 2));
                }
            }
        }

        if (results.Count >= query.Limit || frontier < 0)
        {
            // Enough, or every row below `before` was walked (frontier -1): the answer is complete.
            return results;
        }

        // Step 2: older rows through the GIN index, in id windows growing 16-fold from what step 1 covered, so a
        // middling word reads the matches of one window, not of the whole history. The last window is unbounded.
        var span = Math.Max(1, newest - frontier + 1);
        var high = frontier;
        foreach (var factor in WindowFactors)
        {
            var low = factor is { } f ? SaturatingSubtract(high, SaturatingMultiply(span, f)) : (long?)null;
            await using var window = WindowCommand(dataSource, channels, tsQuery, query.AuthorId, high, low, query.Limit - results.Count);
            results.AddRange(await PostgresMessageStore.ReadListAsync(window, ct));
            if (results.Count >= query.Limit || low is null)
            {
                break;
            }

            high = low.Value;
        }

        return results;
    }

    /// <summary>Rows walked per channel in step 1: about 1,000 in all, at least 10 per channel.</summary>
    internal static int WalkDepth(int channels) => Math.Clamp(WalkBudget / Math.Max(1, channels), 10, WalkBudget);

    internal const int WalkBudget = 1_000;

    /// <summary>Step 2's windows, as multiples of the id span step 1 covered; null is the rest of the history.</summary>
    internal static readonly long?[] WindowFactors = [16, 256, null];

    /// <summary>
    /// Step 1: the newest <paramref name="depth"/> visible rows of each channel (one backward range of the primary key
    /// each), matched against the query. Every row answers <c>frontier</c> (the highest of the oldest ids reached in
    /// channels that had more rows; -1 when every channel was read to its start) and <c>newest</c>; the matches at or
    /// above the frontier follow, newest first — below it a channel may hold matches this step did not read.
    /// </summary>
    internal static NpgsqlCommand WalkCommand(NpgsqlDataSource dataSource, long[] channels, string tsQuery, long? authorId, long? before, int depth, int limit)
    {
        var command = dataSource.CreateCommand($"""
            WITH walked AS (
                SELECT w.*, count(*) OVER (PARTITION BY w.channel_id) AS walked, min(w.id) OVER (PARTITION BY w.channel_id) AS oldest
                FROM unnest($1::bigint[]) AS c(channel_id)
                CROSS JOIN LATERAL (
                    SELECT {PostgresMessageStore.Columns} FROM messages m
                    WHERE m.channel_id = c.channel_id AND NOT m.deleted AND ($4::bigint IS NULL OR m.id < $4)
                    ORDER BY m.id DESC LIMIT $5) w
            ), bounds AS (
                SELECT coalesce(max(oldest) FILTER (WHERE walked = $5), -1) AS frontier, coalesce(max(id), -1) AS newest FROM walked
            )
            SELECT b.frontier, b.newest, r.* FROM bounds b LEFT JOIN LATERAL (
                SELECT {PostgresMessageStore.Columns} FROM walked
                WHERE id >= b.frontier AND ($3::bigint IS NULL OR author_id = $3)
                  AND to_tsvector('chaos_search'::regconfig, content) @@ to_tsquery('chaos_search'::regconfig, $2)
                ORDER BY id DESC LIMIT $6) r ON true
            """);
        command.Parameters.AddWithValue(channels);
        command.Parameters.AddWithValue(tsQuery);
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = authorId });
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = before });
        command.Parameters.AddWithValue(depth);
        command.Parameters.AddWithValue(limit);
        return command;
    }

    /// <summary>
    /// Step 2: matches with <paramref name="low"/> ≤ id &lt; <paramref name="high"/> (no lower bound when null). The
    /// expression is the index's exactly (<c>to_tsvector('chaos_search'::regconfig, content)</c>) so the GIN index
    /// serves it; with a lower bound PostgreSQL ANDs its bitmap with the primary key's range and reads only the window.
    /// </summary>
    internal static NpgsqlCommand WindowCommand(NpgsqlDataSource dataSource, long[] channels, string tsQuery, long? authorId, long high, long? low, int limit)
    {
        var command = dataSource.CreateCommand($"""
            SELECT {PostgresMessageStore.Columns} FROM messages
            WHERE channel_id = ANY($1) AND NOT deleted
              AND to_tsvector('chaos_search'::regconfig, content) @@ to_tsquery('chaos_search'::regconfig, $2)
              AND ($3::bigint IS NULL OR author_id = $3) AND id < $4 AND ($5::bigint IS NULL OR id >= $5)
            ORDER BY id DESC LIMIT $6
            """);
        command.Parameters.AddWithValue(channels);
        command.Parameters.AddWithValue(tsQuery);
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = authorId });
        command.Parameters.AddWithValue(high);
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = low });
        command.Parameters.AddWithValue(limit);
        return command;
    }

    private static long SaturatingSubtract(long a, long b) => b > 0 && a < long.MinValue + b ? long.MinValue : a - b;

    private static long SaturatingMultiply(long a, long b) => a > long.MaxValue / b ? long.MaxValue : a * b;

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
                   OR ((flags & 768) <> 0 AND ((flags & 256) <> 0 OR ((flags & 512) <> 0 AND content LIKE ANY($3)))))
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
