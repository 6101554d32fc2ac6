namespace Chaos.Api.E2ee;

/// <summary>The body of <c>POST /users/@me/devices</c>: a name, the public identity key and the MLS credential (base64).</summary>
public sealed record DeviceRequest(string? Name, string? IdentityKey, string? Credential);
