using System.Globalization;
using System.Text;
using System.Text.Json;
using Chaos.Tests.Infrastructure;
using Npgsql;

namespace Chaos.Tests.Web;

/// <summary>
/// End-to-end encryption in the web client (e2e/e2ee.mjs): three people in headless Chromium (a browser context each) against a front door on
/// PostgreSQL — an encrypted group, an encrypted one-to-one chat, safety numbers, a member removed by a commit who cannot decrypt the next message,
/// and an encrypted voice room. Then every row of every table, and every stored blob, is searched for the sentences
/// that were sent (as text and as UTF-8 bytes): the server must hold none of them
/// (docs/architecture.md#end-to-end-encryption-in-the-web-client).
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class WebE2eeTests
{
    [Fact]
    public async Task ThreeBrowsers_EncryptedGroupAndVoice_TheDatabaseHoldsNoPlaintext_AndARemovedMemberCannotDecrypt()
    {
        File.Exists("/usr/bin/chromium").ShouldBeTrue("The end-to-end tests need Debian's chromium (.ci/run installs it).");
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var blobs = Directory.CreateTempSubdirectory("chaos-e2ee-blobs-");
        try
        {
            await using var server = await ChaosServer.StartAsync(connectionString, new Dictionary<string, string?> { ["Chaos:Blobs:Path"] = blobs.FullName });
            var tag = Guid.NewGuid().ToString("N")[..8];
            string[] sentences =
            [
                $"Zebra lanterns hum beneath the {tag} orchard",
                $"Copper kites remember the {tag} lighthouse",
                $"Velvet thunder follows the {tag} ferry",
                $"Amber foxes guard the {tag} harbour",
            ];
            var output = Path.Combine(AppContext.BaseDirectory, "web-e2ee");
            var environment = new Dictionary<string, string>
            {
                ["CHAOS_E2E_URL"] = server.BaseAddress.ToString().TrimEnd('/'),
                ["CHAOS_E2E_SENTENCES"] = JsonSerializer.Serialize(sentences),
                ["CHAOS_E2E_OUT"] = output,
                ["CHAOS_E2E_TIMEOUT"] = 45_000.ToString(CultureInfo.InvariantCulture),
            };

            var (exitCode, log) = await NodeRunner.RunAsync("node", ["e2e/e2ee.mjs"], environment, TimeSpan.FromMinutes(8));

            exitCode.ShouldBe(0, log);
            log.ShouldContain("E2EE-OK");
            Directory.GetFiles(output, "*.png").Length.ShouldBeGreaterThanOrEqualTo(5);

            var found = await FindInDatabaseAsync(connectionString, sentences.Append(tag).ToArray());
            found.ShouldBeEmpty("the server stored plaintext");
            foreach (var file in Directory.EnumerateFiles(blobs.FullName, "*", SearchOption.AllDirectories))
            {
                var text = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file));
                text.ShouldNotContain(tag, Case.Sensitive, $"blob {file}");
            }

            // The check can see what it looks for: the users' display names sent in the clear are found.
            (await FindInDatabaseAsync(connectionString, ["Carol"])).ShouldNotBeEmpty();
        }
        finally
        {
            blobs.Delete(recursive: true);
        }
    }

    /// <summary>Every table of the public schema whose row text, or row bytes (bytea, shown as hex), contains a needle.</summary>
    private static async Task<List<string>> FindInDatabaseAsync(string connectionString, string[] needles)
    {
        var hits = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            foreach (var needle in needles)
            {
                var hex = Convert.ToHexStringLower(Encoding.UTF8.GetBytes(needle));
                await using var search = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\" t WHERE t::text ILIKE @text OR t::text ILIKE @hex", connection);
                search.Parameters.AddWithValue("text", "%" + needle + "%");
                search.Parameters.AddWithValue("hex", "%" + hex + "%");
                if ((long)(await search.ExecuteScalarAsync())! > 0)
                {
                    hits.Add($"{table}: {needle}");
                }
            }
        }

        return hits;
    }
}
