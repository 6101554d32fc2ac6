using System.Text.Json;
using Chaos.Messages;
using Chaos.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Chaos.Tests.Messages;

/// <summary>
/// What a search costs PostgreSQL in a long history (docs/architecture.md#search-cost), read from
/// <c>EXPLAIN (ANALYZE, BUFFERS)</c> of the very commands <see cref="PostgresMessageSearch"/> runs: which index serves
/// each step and how many pages it touches — counts, not times, so they do not depend on the machine's load. Five
/// channels of 40,000 messages each, interleaved in time; the searcher may read four. A word in every third message,
/// one in every hundredth, and one in ten messages the searcher may read and 200 of the hidden channel.
/// </summary>
public sealed class SearchCostTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    private const int Messages = 200_000;
    private const int Limit = 25;

    [Fact]
    public async Task Search_ReadsAFewHundredPages_ForACommonAMiddlingAndARareWord_AndFindsExactlyTheNewestMatches()
    {
        var first = new TestChannel().Id;
        var channels = Enumerable.Range(0, 5).Select(c => first + c).ToArray();
        var visible = channels[..4];
        // Positive and far above the seqs (a channel id shifted left would overflow a long and could turn negative).
        const long baseId = 1L << 40;

        // Message s is in channel s % 5 with id base + s: the channels' histories interleave like real time.
        await ExecuteAsync($"""
            INSERT INTO messages (channel_id, id, seq, author_id, content, created_at)
            SELECT {first} + s % 5, {baseId} + s, s / 5 + 1, 42,
                   concat_ws(' ', 'filler' || (s % 5000), 'other' || (s % 977),
                             CASE WHEN s % 3 = 0 THEN 'common' END,
                             CASE WHEN s % 100 = 1 THEN 'middling' END,
                             CASE WHEN s % 20000 = 2 OR (s % 5 = 4 AND s % 1000 = 9) THEN 'rareword' END),
                   timestamptz '2026-01-01' + s * interval '1 millisecond'
            FROM generate_series(0, {Messages - 1}) AS s
            """);
        await ExecuteAsync("VACUUM (ANALYZE) messages");

        var search = new PostgresMessageSearch(database.DataSource);
        foreach (var (word, every) in new[] { ("common", 3), ("middling", 100), ("rareword", 20_000) })
        {
            // The answer: exactly the newest matches the searcher may read, for the first page and the next.
            var expected = Enumerable.Range(0, Messages).Reverse()
                .Where(s => s % 5 != 4 && (word switch { "common" => s % 3 == 0, "middling" => s % 100 == 1, _ => s % 20000 == 2 }))
                .Select(s => baseId + s).ToList();
            var page = await search.SearchAsync(visible, new SearchQuery([word], null, null, null, Limit), CancellationToken.None);
            page.Select(m => m.Id).ShouldBe(expected.Take(Limit), word);
            if (page.Count == Limit)
            {
                var next = await search.SearchAsync(visible, new SearchQuery([word], null, null, page[^1].Id, Limit), CancellationToken.None);
                next.Select(m => m.Id).ShouldBe(expected.Skip(Limit).Take(Limit), word + " page 2");
            }

            // Step 1 reads about a thousand rows of the primary key, whatever the word.
            var tsQuery = PostgresMessageSearch.ToTsQuery([word]);
            var depth = PostgresMessageSearch.WalkDepth(visible.Length);
            await using var walk = PostgresMessageSearch.WalkCommand(database.DataSource, visible, tsQuery, null, null, depth, Limit);
            var walkPlan = await ExplainAsync(walk);
            output.WriteLine($"{word} (every {every}th): step 1 {Buffers(walkPlan)} buffers, indexes {string.Join(", ", Indexes(walkPlan))}");
            Indexes(walkPlan).ShouldBe(["messages_pkey"], word);
            Buffers(walkPlan).ShouldBeLessThan(PostgresMessageSearch.WalkBudget + 200, word);

            var (frontier, newest, found) = await WalkAsync(visible, tsQuery, depth);
            if (word == "common")
            {
                found.ShouldBeGreaterThanOrEqualTo(Limit, "a common word is answered by step 1 alone");
                continue;
            }

            found.ShouldBeLessThan(Limit);
            var span = newest - frontier + 1;

            // Step 2's first window: the GIN index ANDed with the primary key's range, pages of that window only.
            await using var window = PostgresMessageSearch.WindowCommand(database.DataSource, visible, tsQuery, null, frontier, frontier - (span * 16), Limit - found);
            var windowPlan = await ExplainAsync(window);
            output.WriteLine($"{word}: first window {Buffers(windowPlan)} buffers, indexes {string.Join(", ", Indexes(windowPlan))}");
            Indexes(windowPlan).ShouldContain("messages_search_idx", word);
            Buffers(windowPlan).ShouldBeLessThan(600, word);

            // The whole history through the index alone (the last window): bounded by the word's matches, so it is
            // reached only by words too rare to fill a page from the windows before it.
            await using var rest = PostgresMessageSearch.WindowCommand(database.DataSource, visible, tsQuery, null, frontier, null, Limit - found);
            var restPlan = await ExplainAsync(rest);
            output.WriteLine($"{word}: unbounded window {Buffers(restPlan)} buffers, indexes {string.Join(", ", Indexes(restPlan))}");
            Indexes(restPlan).ShouldContain("messages_search_idx", word);
            if (word == "rareword")
            {
                // 10 matches the searcher may read and 200 in the hidden channel: the heap pages of those, no more (the GIN
                // index knows no channels, so matches the searcher cannot read cost pages too — docs/architecture.md#search-cost).
                Buffers(restPlan).ShouldBeLessThan(1_000, word);
            }
        }
    }

    private async Task<(long Frontier, long Newest, int Found)> WalkAsync(long[] channels, string tsQuery, int depth)
    {
        await using var command = PostgresMessageSearch.WalkCommand(database.DataSource, channels, tsQuery, null, null, depth, Limit);
        await using var reader = await command.ExecuteReaderAsync();
        var (frontier, newest, found) = (-1L, -1L, 0);
        while (await reader.ReadAsync())
        {
            (frontier, newest) = (reader.GetInt64(0), reader.GetInt64(1));
            found += reader.IsDBNull(2) ? 0 : 1;
        }

        frontier.ShouldBeGreaterThan(0, "every channel has more rows than step 1 reads");
        return (frontier, newest, found);
    }

    private static async Task<JsonElement> ExplainAsync(NpgsqlCommand command)
    {
        command.CommandText = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + command.CommandText;
        return JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!).RootElement[0].GetProperty("Plan").Clone();
    }

    private static long Buffers(JsonElement plan) =>
        plan.GetProperty("Shared Hit Blocks").GetInt64() + plan.GetProperty("Shared Read Blocks").GetInt64();

    /// <summary>The indexes the plan reads, each once, in name order.</summary>
    private static List<string> Indexes(JsonElement plan)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        Collect(plan);
        return [.. names];

        void Collect(JsonElement node)
        {
            if (node.TryGetProperty("Index Name", out var name))
            {
                names.Add(name.GetString()!);
            }

            if (node.TryGetProperty("Plans", out var children))
            {
                foreach (var child in children.EnumerateArray())
                {
                    Collect(child);
                }
            }
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();
    }
}
