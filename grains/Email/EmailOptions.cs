using System.ComponentModel.DataAnnotations;

namespace Chaos.Email;

/// <summary>
/// <c>Chaos:Email</c>: the SMTP server support transcripts and wait alerts go through (docs/operations.md#e-mail).
/// Without <see cref="SmtpHost"/> and <see cref="From"/> no e-mail is sent at all.
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Chaos:Email";

    public string? SmtpHost { get; set; }

    [Range(1, 65_535)]
    public int SmtpPort { get; set; } = 25;

    /// <summary>The sender address, e.g. <c>CHAOS Support &lt;support@example.com&gt;</c>.</summary>
    public string? From { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>True: TLS from the first byte on port 465-style servers, else STARTTLS when the server offers it; false: plain SMTP.</summary>
    public bool UseTls { get; set; }

    /// <summary>E-mails waiting to be sent; beyond this the oldest waiting one is dropped (and logged).</summary>
    [Range(1, 100_000)]
    public int QueueCapacity { get; set; } = 1_000;

    public bool Enabled => !string.IsNullOrWhiteSpace(SmtpHost) && !string.IsNullOrWhiteSpace(From);
}
