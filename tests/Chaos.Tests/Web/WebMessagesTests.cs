using System.Globalization;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Web;

/// <summary>
/// Attachments, reactions, pins, search, the mentions inbox and notification levels in the web client (e2e/messages.mjs):
/// two headless Chromium browsers against a real front door on PostgreSQL, one person acting, the other seeing it.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class WebMessagesTests
{
    [Fact]
    public async Task TwoBrowsers_AttachReactPinSearchMention_AndBadgesFollowNotificationLevels()
    {
        File.Exists("/usr/bin/chromium").ShouldBeTrue("The end-to-end tests need Debian's chromium (.ci/run installs it).");
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var screenshots = Path.Combine(AppContext.BaseDirectory, "web-messages");
        var environment = new Dictionary<string, string>
        {
            ["CHAOS_API_DLL"] = NodeRunner.ApiAssembly,
            ["CHAOS_E2E_CONNECTION"] = connectionString,
            ["CHAOS_E2E_OUT"] = screenshots,
            ["CHAOS_E2E_TIMEOUT"] = 45_000.ToString(CultureInfo.InvariantCulture),
        };

        var (exitCode, output) = await NodeRunner.RunAsync("node", ["e2e/messages.mjs"], environment, TimeSpan.FromMinutes(8));

        exitCode.ShouldBe(0, output);
        Directory.GetFiles(screenshots, "*.png").Length.ShouldBeGreaterThanOrEqualTo(10);
    }
}
