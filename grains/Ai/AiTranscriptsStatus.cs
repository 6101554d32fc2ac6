namespace Chaos.Ai;

/// <summary>
/// The <c>transcripts</c> part of <c>GET /ai/status</c> (docs/api.md#ai-assistance): whether voice messages get
/// transcripts on this server, the speech model, and why not when they do not.
/// </summary>
public sealed record AiTranscriptsStatus(bool Enabled, string? Model, string? Detail)
{
    public static AiTranscriptsStatus NotConfigured { get; } = new(false, null, "No speech-to-text model is configured (Chaos:Ai:SpeechModelPath).");
}
