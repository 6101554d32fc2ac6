using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Support;

/// <summary>
/// Support e-mail through MailKit to a real SMTP server (npm smtp-server): the transcript on close with every message and
/// the AI summary on top, and the alert to agents when a guest waited too long with nobody available.
/// </summary>
[Collection(SupportCollection.Name)]
public sealed class SupportEmailTests(SupportFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task ClosingAConversation_MailsTheGuestATranscriptWithEveryMessageAndASummary()
    {
        var (owner, communityId) = await SupportKit.CreateDeskAsync(Server);
        var agent = (await SupportKit.AddAgentsAsync(Server, owner, communityId, 1))[0];
        await SupportKit.SetAgentAsync(agent, communityId, "available", 3);
        var address = $"guest-{Guid.NewGuid():N}@example.test";
        var guest = await SupportKit.StartAsync(Server, communityId, "Grace", "I was charged twice", address);
        var path = $"/api/v1/support/conversations/{guest.ConversationId}";
        string[] lines = ["I was charged twice", "Sorry about that, checking now", "Order 4711, in December", "Refunded: 3-5 days\nanything else?", "No, thanks!"];
        await SupportKit.PostAsync(agent.Http, path + "/messages", new { content = lines[1] });
        await SupportKit.PostAsync(guest.Http, path + "/messages", new { content = lines[2] });
        await SupportKit.PostAsync(agent.Http, path + "/messages", new { content = lines[3] });
        await SupportKit.PostAsync(guest.Http, path + "/messages", new { content = lines[4] });
        await SupportKit.PostAsync(agent.Http, path + "/close");

        var mail = await fixture.Smtp.WaitForAsync(m => m.To.Contains(address), "the transcript e-mail");
        mail.Subject.ShouldContain(guest.ConversationId);
        mail.From.ShouldContain("support@chaos.test");
        var text = mail.Text.Replace("\r\n", "\n", StringComparison.Ordinal);
        text.ShouldContain("Summary\nThe guest asked about a refund.");
        text.IndexOf("Summary", StringComparison.Ordinal).ShouldBeLessThan(text.IndexOf("Messages", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            text.ShouldContain(line.Replace("\n", "\n    ", StringComparison.Ordinal));
        }

        text.ShouldContain("Grace (guest): I was charged twice");
        // The model saw the conversation, and only it.
        fixture.Ollama.Requests.ShouldContain(r => r.Messages.Any(m => m.Content.Contains("Order 4711", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AGuestWaitingWithNobodyAvailable_AlertsTheAgentsByEmail()
    {
        var (owner, communityId) = await SupportKit.CreateDeskAsync(Server);
        var agent = (await SupportKit.AddAgentsAsync(Server, owner, communityId, 1))[0];
        var address = $"agent-{Guid.NewGuid():N}@example.test";
        await SupportKit.SetAgentAsync(agent, communityId, "away", 2, address);
        var guest = await SupportKit.StartAsync(Server, communityId, "Waiting Wanda", "anyone there?");
        guest.Conversation.Status().ShouldBe("queued");

        var alert = await fixture.Smtp.WaitForAsync(m => m.To.Contains(address), "the wait alert");
        alert.Subject.ShouldContain("waited");
        alert.Text.ShouldContain("Waiting Wanda");
    }
}
