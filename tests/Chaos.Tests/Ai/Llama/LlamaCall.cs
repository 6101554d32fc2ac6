using System.Text;

namespace Chaos.Tests.Ai.Llama;

/// <summary>One generation <see cref="LlamaChatClient"/> ran: its prompt, what it produced, and how it ended.</summary>
public sealed class LlamaCall(string prompt, bool constrained)
{
    public string Prompt { get; } = prompt;

    /// <summary>Whether a JSON schema constrained the sampling.</summary>
    public bool Constrained { get; } = constrained;

    /// <summary>Updates with text so far.</summary>
    public int Chunks { get; set; }

    public StringBuilder Text { get; } = new();

    public TaskCompletionSource<LlamaCallEnd> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
