namespace Chaos.Messages;

/// <summary>
/// An append repeated a (channel, id) or (channel, seq) that is already stored or appears twice in the batch. Nothing of
/// that batch was written. A caller that retries after an ambiguous failure (a timeout after the server committed) gets
/// this for its own earlier write: it should read the id back before treating the send as lost.
/// </summary>
public sealed class DuplicateMessageException : Exception
{
    public DuplicateMessageException()
        : this("A message with the same id or seq already exists in its channel.")
    {
    }

    public DuplicateMessageException(string message)
        : base(message)
    {
    }

    public DuplicateMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DuplicateMessageException(long? channelId, string? constraint, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ChannelId = channelId;
        Constraint = constraint;
    }

    /// <summary>The channel of the offending row, when known (the database names only the constraint).</summary>
    public long? ChannelId { get; }

    /// <summary>Which uniqueness was broken: <see cref="IdConstraint"/> or <see cref="SeqConstraint"/>.</summary>
    public string? Constraint { get; }

    public const string IdConstraint = "messages_pkey";

    public const string SeqConstraint = "messages_channel_seq_key";
}
