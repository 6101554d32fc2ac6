namespace Chaos.BareHub;

internal sealed record RoomRequest(string Name, string? Description);
