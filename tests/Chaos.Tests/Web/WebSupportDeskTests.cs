using System.Globalization;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Web;

/// <summary>
/// The support desk in headless Chromium (e2e/desk.mjs) against a real front door on PostgreSQL: guests on a plain
/// page of another origin with the one script tag start chats and see their queue position, an agent takes one from
/// the console and gets the other routed, they chat both ways, the agent closes, the guest rates, and the manager's
/// dashboard follows live; axe checks the widget, the console and the dashboard.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class WebSupportDeskTests
{
    [Fact]
    public async Task GuestWidgetOnAnotherSite_AgentConsole_AndLiveDashboard()
    {
        File.Exists("/usr/bin/chromium").ShouldBeTrue("The end-to-end tests need Debian's chromium (.ci/run installs it).");
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var screenshots = Path.Combine(AppContext.BaseDirectory, "web-desk");
        var environment = new Dictionary<string, string>
        {
            ["CHAOS_API_DLL"] = NodeRunner.ApiAssembly,
            ["CHAOS_E2E_CONNECTION"] = connectionString,
            ["CHAOS_E2E_OUT"] = screenshots,
            ["CHAOS_E2E_TIMEOUT"] = 45_000.ToString(CultureInfo.InvariantCulture),
        };

        var (exitCode, output) = await NodeRunner.RunAsync("node", ["e2e/desk.mjs"], environment, TimeSpan.FromMinutes(8));

        exitCode.ShouldBe(0, output);
        Directory.GetFiles(screenshots, "desk-0*.png").Length.ShouldBeGreaterThanOrEqualTo(9);
    }
}
