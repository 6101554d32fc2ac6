using System.Text.Json;
using Chaos.E2ee;

namespace Chaos.Api.E2ee;

/// <summary>
/// The body of <c>POST /channels/{id}/mls</c>. <c>epoch</c> is a count (a JSON number, like <c>seq</c>); a numeric string is
/// accepted too, since clients write 64-bit values as strings elsewhere.
/// </summary>
public sealed record MlsRequest(MlsKind? Kind, JsonElement? Epoch, string? Payload, IReadOnlyList<string>? RecipientDeviceIds);
