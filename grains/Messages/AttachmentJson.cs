using System.Text.Json;

namespace Chaos.Messages;

/// <summary>The <c>messages.attachments</c> jsonb column: Attachment objects (docs/api.md#attachment), camelCase, ids as numbers.</summary>
internal static class AttachmentJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string? Write(IReadOnlyList<Attachment>? attachments) =>
        attachments is null or { Count: 0 } ? null : JsonSerializer.Serialize(attachments, Options);

    public static IReadOnlyList<Attachment>? Read(string json) => JsonSerializer.Deserialize<List<Attachment>>(json, Options);
}
