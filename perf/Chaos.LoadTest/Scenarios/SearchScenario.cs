using System.Diagnostics;
using Chaos.Client.Communities;
using Npgsql;

namespace Chaos.LoadTest.Scenarios;

/// <summary>
/// Search latency on a community with N messages (docs/benchmarks.md#search). The community and its channels are made
/// through the API; the history is bulk-inserted straight into PostgreSQL (the send path would take hours for a million
/// messages), then analyzed; searches go through the API like any client's, as a member who cannot see one channel.
/// </summary>
internal static class SearchScenario
{
    private const int Vocabulary = 20_000;

    public static async Task RunAsync(Harness harness, ScenarioResult result, string connectionString, int messages, int channels, int readers)
    {
        result.Settings["messages"] = messages;
        result.Settings["channels"] = channels;
        result.Settings["readers"] = readers;
        var users = await harness.RegisterAsync(2);
        var (owner, reader) = (users[0], users[1]);
        var community = await harness.CommunityAsync(owner, users);
        var channelIds = new List<string> { community.Channels.First(c => c.Type == ChannelType.Text).Id };
        for (var c = 1; c < channels; c++)
        {
            channelIds.Add((await owner.CreateChannelAsync(community.Id, $"search-{c}")).Id);
        }

        // The reader cannot see the last channel: every search also exercises the permission filter.
        await owner.SetOverwriteAsync(channelIds[^1], reader.UserId!, OverwriteType.Member, ChaosPermissions.None, ChaosPermissions.ViewChannel);

        await using var database = NpgsqlDataSource.Create(connectionString);
        var seed = harness.Phase($"seed {messages:N0} messages", 1);
        var seeding = Stopwatch.GetTimestamp();
        await SeedAsync(database, [.. channelIds.Select(long.Parse)], long.Parse(owner.UserId!), messages);
        seed.Value = 1;
        result.Metrics["seedSeconds"] = Math.Round(Stopwatch.GetElapsedTime(seeding).TotalSeconds, 1);

        try
        {
            var kinds = new Dictionary<string, Func<Random, string>>
            {
                ["rareWord"] = r => $"w{r.Next(Vocabulary / 2, Vocabulary)}",
                ["commonWord"] = r => $"w{r.Next(0, 20)}",
                ["twoWords"] = r => $"w{r.Next(0, 200)} w{r.Next(200, 2000)}",
                ["prefix"] = r => $"w{r.Next(100, 999)}",
                ["nonLatin"] = r => r.Next(2) == 0 ? "привет" : "世界",
            };
            var recorders = kinds.Keys.ToDictionary(k => k, _ => new LatencyRecorder());
            var all = new LatencyRecorder();
            var duration = harness.Settings.Duration;
            var phase = harness.Phase($"search for {duration.TotalSeconds:0} s", duration.TotalSeconds);
            var start = Stopwatch.GetTimestamp();
            long failures = 0;
            await Task.WhenAll(Enumerable.Range(0, readers).Select(async n =>
            {
                var random = new Random(n);
                var names = kinds.Keys.ToArray();
                while (Stopwatch.GetElapsedTime(start) < duration)
                {
                    var kind = names[random.Next(names.Length)];
                    var q = kinds[kind](random);
                    var began = Stopwatch.GetTimestamp();
                    try
                    {
                        await reader.SearchCommunityAsync(community.Id, q, limit: 25);
                        var ms = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
                        recorders[kind].Add(ms);
                        all.Add(ms);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    phase.Value = Math.Min(duration.TotalSeconds, Stopwatch.GetElapsedTime(start).TotalSeconds);
                }
            }));
            phase.Value = phase.MaxValue;
            result.Metrics["searches"] = all.Count;
            result.Metrics["failures"] = failures;
            result.Metrics["searchesPerSecond"] = Math.Round(all.Count / Stopwatch.GetElapsedTime(start).TotalSeconds, 1);
            result.Metrics["all"] = all.Summary();
            foreach (var (kind, recorder) in recorders)
            {
                result.Metrics[kind] = recorder.Summary();
            }
        }
        finally
        {
            await using var cleanup = database.CreateCommand("DELETE FROM messages WHERE channel_id = ANY($1)");
            cleanup.Parameters.AddWithValue(channelIds.Select(long.Parse).ToArray());
            cleanup.CommandTimeout = 600;
            await cleanup.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// N messages spread round-robin over the channels, each of 6–14 words drawn from a skewed vocabulary (w0 is in
    /// roughly one message in six, w19999 in a few hundred), plus a few non-Latin words. Ids lie far below any snowflake
    /// the server makes now, so they read as old history; seq counts per channel from 1.
    /// </summary>
    private static async Task SeedAsync(NpgsqlDataSource database, long[] channels, long authorId, int messages)
    {
        const string sql = """
            INSERT INTO messages (channel_id, id, seq, author_id, content, created_at, mentions, flags, deleted)
            SELECT $1[1 + (g % cardinality($1))], 1000000000000 + g, 1 + g / cardinality($1), $2,
                   (SELECT string_agg(CASE WHEN random() < 0.01 THEN (ARRAY['привет','世界','καλημέρα','مرحبا'])[1 + floor(random() * 4)::int]
                                           ELSE 'w' || floor($4 * power(random(), 3))::int END, ' ')
                    FROM generate_series(1, 6 + (g % 9)) AS w WHERE g >= 0),
                   timestamptz '2026-01-01' + g * interval '1 second', '{}', 0, false
            FROM generate_series($3, $3 + 99999) AS g
            WHERE g < $5
            """;
        for (var from = 0; from < messages; from += 100_000)
        {
            await using var command = database.CreateCommand(sql);
            command.Parameters.AddWithValue(channels);
            command.Parameters.AddWithValue(authorId);
            command.Parameters.AddWithValue(from);
            command.Parameters.AddWithValue(Vocabulary);
            command.Parameters.AddWithValue(messages);
            command.CommandTimeout = 600;
            await command.ExecuteNonQueryAsync();
        }

        await using var analyze = database.CreateCommand("ANALYZE messages");
        analyze.CommandTimeout = 600;
        await analyze.ExecuteNonQueryAsync();
    }
}
