namespace Chaos.BareHub;

internal sealed record BareUser(long Id, string Username, string Password, string Token);
