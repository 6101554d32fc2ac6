namespace Chaos.Api.E2ee;

/// <summary>The body of <c>POST /users/@me/devices/{deviceId}/key-packages</c>: one-time packages and an optional last-resort one (base64).</summary>
public sealed record KeyPackagesRequest(IReadOnlyList<string>? KeyPackages, string? LastResort);
