namespace Chaos.BareHub;

internal sealed record Credentials(string Username, string Password);
