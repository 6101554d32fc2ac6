using Chaos.Client.Messages;

namespace Chaos.Client.Gateway;

/// <summary>The newest message seen per channel: what gap detection compares a new <c>seq</c> with, and where history resumes.</summary>
internal sealed class SequenceTracker
{
    private readonly Dictionary<string, (long Seq, string Id)> channels = [];
    private readonly Lock sync = new();

    public bool TryGet(string channelId, out long seq, out string messageId)
    {
        lock (sync)
        {
            if (channels.TryGetValue(channelId, out var cursor))
            {
                (seq, messageId) = cursor;
                return true;
            }
        }

        seq = 0;
        messageId = string.Empty;
        return false;
    }

    /// <summary>Moves the cursor forward only: an older message never rewinds it.</summary>
    public void Advance(string channelId, long seq, string messageId)
    {
        lock (sync)
        {
            if (!channels.TryGetValue(channelId, out var cursor) || seq > cursor.Seq)
            {
                channels[channelId] = (seq, messageId);
            }
        }
    }

    public void Advance(Message message) => Advance(message.ChannelId, message.Seq, message.Id);

    public void Forget(string channelId)
    {
        lock (sync)
        {
            channels.Remove(channelId);
        }
    }

    public IReadOnlyList<string> Channels()
    {
        lock (sync)
        {
            return [.. channels.Keys];
        }
    }
}
