namespace Chaos.Email;

/// <summary>One plain-text e-mail to send.</summary>
public sealed record OutgoingMail(IReadOnlyList<string> To, string Subject, string Body);
