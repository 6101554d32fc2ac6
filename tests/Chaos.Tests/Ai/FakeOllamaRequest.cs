using System.Text.Json;

namespace Chaos.Tests.Ai;

/// <summary>One <c>/api/chat</c> request as <see cref="FakeOllamaServer"/> received it, and how it ended.</summary>
public sealed class FakeOllamaRequest(JsonElement body)
{
    public JsonElement Body { get; } = body;

    public string Model => Body.GetProperty("model").GetString()!;

    public bool Stream => !Body.TryGetProperty("stream", out var stream) || stream.ValueKind != JsonValueKind.False;

    /// <summary>The <c>format</c> field: a JSON schema object, <c>"json"</c>, or absent.</summary>
    public JsonElement? Format => Body.TryGetProperty("format", out var format) && format.ValueKind != JsonValueKind.Null ? format : null;

    public double? Temperature =>
        Body.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object
        && options.TryGetProperty("temperature", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : null;

    public IReadOnlyList<(string Role, string Content)> Messages =>
        [.. Body.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString()!, m.GetProperty("content").GetString() ?? ""))];

    /// <summary>Completes when the client went away before the answer ended (a cancelled or timed-out call).</summary>
    public TaskCompletionSource Disconnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the server finished writing its answer, whatever it was.</summary>
    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
