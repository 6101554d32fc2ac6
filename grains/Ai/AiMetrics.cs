using System.Diagnostics.Metrics;

namespace Chaos.Ai;

/// <summary>
/// The AI metrics of docs/operations.md#ai-assistance, on the <c>Chaos</c> meter: model calls by outcome, circuit
/// openings, and messages moderation skipped under a flood (the backlog is bounded; skipped ones are never classified).
/// </summary>
public sealed class AiMetrics
{
    private readonly Counter<long> calls;
    private readonly Counter<long> circuitOpened;
    private readonly Counter<long> moderationSkipped;
    private readonly Counter<long> moderationClassified;
    private readonly Counter<long> transcripts;

    public AiMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create("Chaos");
        calls = meter.CreateCounter<long>("chaos.ai.calls", description: "Model calls, by outcome (ok, failed, busy, circuit_open, missing_model, cancelled)");
        circuitOpened = meter.CreateCounter<long>("chaos.ai.circuit.opened", description: "Times the circuit in front of the model server opened");
        moderationSkipped = meter.CreateCounter<long>("chaos.ai.moderation.skipped", description: "Messages never classified because the community's moderation backlog was full (oldest first)");
        moderationClassified = meter.CreateCounter<long>("chaos.ai.moderation.classified", description: "Messages classified, by verdict (ok, flagged)");
        transcripts = meter.CreateCounter<long>("chaos.ai.transcripts", description: "Voice-message transcripts, by outcome (done, failed, timeout, dropped, excluded)");
    }

    public void Call(string outcome) => calls.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void CircuitOpened() => circuitOpened.Add(1);

    public void Transcript(string outcome) => transcripts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void ModerationSkipped(long count)
    {
        if (count > 0)
        {
            moderationSkipped.Add(count);
        }
    }

    public void ModerationClassified(bool flagged) =>
        moderationClassified.Add(1, new KeyValuePair<string, object?>("verdict", flagged ? "flagged" : "ok"));
}
