using System.Globalization;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Web;

/// <summary>
/// The web client's own test suites, run by the README's test command: vitest component tests, the OpenAPI drift check,
/// and the end-to-end run in headless Chromium against a real front door on PostgreSQL (e2e/run.mjs).
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class WebClientTests
{
    [Fact]
    public async Task ComponentTests_Pass()
    {
        var (exitCode, output) = await NodeRunner.RunAsync("npm", ["test", "--silent"], null, TimeSpan.FromMinutes(6));

        exitCode.ShouldBe(0, output);
    }

    [Fact]
    public async Task GeneratedApiTypes_MatchTheRunningServersOpenApiDocument()
    {
        await using var server = await ChaosServer.StartAsync(null);
        var document = await server.Http.GetStringAsync("/openapi/v1.json");
        var directory = Directory.CreateTempSubdirectory("chaos-openapi-");
        try
        {
            var json = Path.Combine(directory.FullName, "v1.json");
            var generated = Path.Combine(directory.FullName, "schema.d.ts");
            await File.WriteAllTextAsync(json, document);

            var (exitCode, output) = await NodeRunner.RunAsync("node", ["scripts/gen-api.mjs", json, generated], null, TimeSpan.FromMinutes(3));

            exitCode.ShouldBe(0, output);
            var committed = await File.ReadAllTextAsync(Path.Combine(NodeRunner.WebClientDirectory, "src", "api", "schema.d.ts"));
            (await File.ReadAllTextAsync(generated)).ShouldBe(committed, "The server's API changed: run `npm run gen:api` in clients/web (after saving /openapi/v1.json to openapi/v1.json) and fix what no longer type-checks.");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task EndToEnd_TwoBrowsers_FriendsDmsCommunityInvitesUnreadModerationAndARestart()
    {
        File.Exists("/usr/bin/chromium").ShouldBeTrue("The end-to-end tests need Debian's chromium: apt-get install chromium fonts-liberation (.ci/run installs it).");
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var screenshots = Path.Combine(AppContext.BaseDirectory, "web-e2e");
        var environment = new Dictionary<string, string>
        {
            ["CHAOS_API_DLL"] = NodeRunner.ApiAssembly,
            ["CHAOS_E2E_CONNECTION"] = connectionString,
            ["CHAOS_E2E_OUT"] = screenshots,
            ["CHAOS_E2E_TIMEOUT"] = 45_000.ToString(CultureInfo.InvariantCulture),
        };

        var (exitCode, output) = await NodeRunner.RunAsync("node", ["e2e/run.mjs"], environment, TimeSpan.FromMinutes(10));

        exitCode.ShouldBe(0, output);
        Directory.GetFiles(screenshots, "*.png").Length.ShouldBeGreaterThanOrEqualTo(10);
    }
}
