namespace Chaos.Email;

/// <summary>
/// Hands e-mails to a background sender, so neither a grain turn nor a request ever waits for an SMTP server.
/// Delivery is best effort: what is queued when the process stops is lost (docs/operations.md#e-mail).
/// </summary>
public interface IMailOutbox
{
    bool Enabled { get; }

    /// <summary>False when e-mail is not configured (nothing is queued).</summary>
    bool Enqueue(OutgoingMail mail);
}
