using System.Globalization;
using Chaos.Tests.Ai;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Web;

/// <summary>
/// AI assistance in the web client (e2e/ai.mjs): a manager and a member in headless Chromium against a real front door
/// on PostgreSQL whose model server is a <see cref="FakeOllamaServer"/> behind the real OllamaSharp client — moderation
/// switched to hide, the flagged message hidden from the member and decided in the moderation queue, "Catch me up"
/// streaming, and Stop cancelling a summary that would never end (the fake model sees the call go away).
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class WebAiTests
{
    /// <summary>A summary of a conversation holding this never finishes: the fake model streams a little, then hangs.</summary>
    private const string LongStory = "LONGSTORY";

    [Fact]
    public async Task ManagerHidesFlaggedMessages_ModeratorDecides_CatchMeUpStreams_AndStopCancelsTheModelCall()
    {
        File.Exists("/usr/bin/chromium").ShouldBeTrue("The end-to-end tests need Debian's chromium (.ci/run installs it).");
        await using var ollama = await FakeOllamaServer.StartAsync("chat-model", "mod-model");
        ollama.DefaultReply = Reply;
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var screenshots = Path.Combine(AppContext.BaseDirectory, "web-ai");
        var environment = new Dictionary<string, string>
        {
            ["CHAOS_API_DLL"] = NodeRunner.ApiAssembly,
            ["CHAOS_E2E_CONNECTION"] = connectionString,
            ["CHAOS_E2E_AI_URL"] = ollama.BaseAddress.ToString(),
            ["CHAOS_E2E_OUT"] = screenshots,
            ["CHAOS_E2E_TIMEOUT"] = 45_000.ToString(CultureInfo.InvariantCulture),
        };

        var (exitCode, output) = await NodeRunner.RunAsync("node", ["e2e/ai.mjs"], environment, TimeSpan.FromMinutes(8));

        exitCode.ShouldBe(0, output);
        Directory.GetFiles(screenshots, "*.png").Length.ShouldBeGreaterThanOrEqualTo(11);
        // Stop in the browser ended the hub stream, and that cancelled the model call.
        var hung = ollama.Requests.Where(r => r.Model == "chat-model" && Mentions(r, LongStory)).ToList();
        hung.ShouldNotBeEmpty();
        await hung[0].Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The moderation model classified the flagged messages; the one still hidden never reached a summary.
        ollama.Requests.Any(r => r.Model == "mod-model" && Mentions(r, ModerationFixture.BadWord)).ShouldBeTrue();
        ollama.Requests.Where(r => r.Model == "chat-model").ShouldAllBe(r => !Mentions(r, "one more SPAMSPAM offer"));
    }

    private static bool Mentions(FakeOllamaRequest request, string text) =>
        request.Messages.Any(m => m.Role == "user" && m.Content.Contains(text, StringComparison.Ordinal));

    private static FakeOllamaReply Reply(FakeOllamaRequest request)
    {
        if (request.Model == "mod-model")
        {
            return ModerationFixture.Verdict(request);
        }

        return Mentions(request, LongStory)
            ? FakeOllamaReply.Hang("Bob is telling a long story ", "about his holiday ")
            : FakeOllamaReply.Text("Alice planned ", "the picnic ", "for Saturday.");
    }
}
