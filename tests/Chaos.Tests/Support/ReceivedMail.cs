namespace Chaos.Tests.Support;

/// <summary>One e-mail as the test SMTP server parsed it.</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Subject, string Text);
