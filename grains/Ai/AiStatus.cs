namespace Chaos.Ai;

/// <summary>
/// <c>GET /ai/status</c> (docs/api.md#ai-assistance): whether AI assistance is configured, whether the model server
/// answered the last probe, the models in use, and whether voice messages get transcripts.
/// </summary>
public sealed record AiStatus(bool Enabled, bool Reachable, string? ChatModel, string? ModerationModel, AiTranscriptsStatus Transcripts);
