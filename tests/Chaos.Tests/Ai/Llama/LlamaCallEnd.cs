namespace Chaos.Tests.Ai.Llama;

public enum LlamaCallEnd
{
    /// <summary>The generation ran to its end (end of sequence, grammar complete, or the token bound).</summary>
    Finished,

    /// <summary>The caller stopped reading (cancelled) while the generation was still running.</summary>
    Aborted,
}
