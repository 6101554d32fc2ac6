using System.Text;
using Chaos.Accounts;
using Chaos.Api.Ai;
using Chaos.Email;
using Chaos.Messages;
using Chaos.Support;

namespace Chaos.Api.Support;

/// <summary>
/// Builds a conversation's plain-text transcript — with an AI summary at the top when AI is configured — and e-mails it to
/// the guest on close (docs/architecture.md#support-desk). The e-mail is built and queued off the request, so closing
/// never waits for the model or the SMTP server.
/// </summary>
public sealed partial class SupportTranscripts(IGrainFactory grains, ChannelSummarizer summarizer, IMailOutbox mail, ILogger<SupportTranscripts> logger)
{
    private const int PageSize = 100;

    public async Task<string> BuildAsync(SupportCaller caller, long communityId, long conversationId, CancellationToken cancellationToken)
    {
        var conversation = await grains.GetGrain<ISupportDeskGrain>(communityId).GetConversationAsync(caller, conversationId);
        var thread = grains.GetGrain<ISupportConversationGrain>(conversationId);
        var messages = new List<SupportMessage>();
        long? after = 0;
        while (messages.Count < SupportTranscript.MaxMessages)
        {
            var page = await thread.GetMessagesAsync(caller, null, after, PageSize);
            messages.AddRange(page);
            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1].Id;
        }

        return SupportTranscript.Format(conversation, messages, await SummarizeAsync(conversationId, messages, cancellationToken));
    }

    /// <summary>Queues the transcript e-mail when the guest gave an address and e-mail is configured.</summary>
    public void MailOnClose(SupportConversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (conversation.Guest.Email is not { } to || !mail.Enabled)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                var text = await BuildAsync(SupportCaller.System, conversation.CommunityId, conversation.Id, CancellationToken.None);
                mail.Enqueue(new OutgoingMail([to], $"Your support conversation {conversation.Id}", text));
            }
            catch (Exception exception)
            {
                LogMailFailed(logger, exception, conversation.Id);
            }
        });
    }

    private async Task<string?> SummarizeAsync(long conversationId, IReadOnlyList<SupportMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return null;
        }

        var asMessages = messages.TakeLast(ChannelSummarizer.MaxMessages).Select(ToMessage).ToList();
        var text = new StringBuilder();
        try
        {
            await foreach (var chunk in summarizer.StreamAsync(new SummaryInput(conversationId, asMessages), cancellationToken))
            {
                text.Append(chunk);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A transcript without its summary beats no transcript.
            LogSummaryFailed(logger, exception, conversationId);
            return null;
        }

        return text.Length > 0 ? text.ToString() : null;
    }

    private static Message ToMessage(SupportMessage m)
    {
        var author = m.Author.Guest
            ? new PublicUser(0, (m.Author.Name ?? "Guest") + " (guest)", m.Author.Name ?? "Guest", m.CreatedAt)
            : new PublicUser(m.Author.Id ?? 0, (m.Author.Username ?? "agent") + " (agent)", m.Author.DisplayName ?? string.Empty, m.Author.CreatedAt ?? m.CreatedAt);
        return new Message(m.Id, m.ChannelId, m.Seq, author, m.Content, m.CreatedAt, m.EditedAt, null, null, [], [], m.Flags);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The transcript e-mail of support conversation {ConversationId} was not queued")]
    private static partial void LogMailFailed(ILogger logger, Exception exception, long conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The summary of support conversation {ConversationId} failed; the transcript goes without it")]
    private static partial void LogSummaryFailed(ILogger logger, Exception exception, long conversationId);
}
