using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using LLama.Common;
using LLama.Sampling;
using Microsoft.Extensions.AI;

namespace Chaos.Tests.Ai.Llama;

/// <summary>
/// LLamaSharp's <see cref="IChatClient"/> (<c>AsChatClient()</c> over a llama.cpp executor) made to behave like a model
/// server toward CHAOS: a JSON-schema response format becomes a grammar that constrains sampling (what Ollama does with
/// <c>format</c>), a finished answer ends with a finish reason (Ollama's <c>done</c>, which LLamaSharp's client does not
/// report), one generation runs at a time (the executor is not shared safely), and sampling is seeded, so answers repeat.
/// It records each call and how it ended; prompts holding a marker given to <see cref="HoldAfterFirstChunk"/> stop after
/// their first chunk until the caller goes away, so a test can stop a generation that is still running.
/// </summary>
public sealed class LlamaChatClient(IChatClient llama) : DelegatingChatClient(llama)
{
    /// <summary>
    /// Tokens a schema-constrained call may generate when the caller sets no bound: room for the longest verdict the
    /// grammar allows (its reason is at most 200 characters of up to 4 bytes, one byte a token), so it always completes.
    /// </summary>
    public const int ConstrainedMaxTokens = 1024;

    /// <summary>Tokens a prose call may generate when the caller sets no bound: enough to stream, little enough to stay fast.</summary>
    public const int ProseMaxTokens = 128;

    private readonly SemaphoreSlim one = new(1, 1);
    private readonly ConcurrentQueue<LlamaCall> calls = new();
    private readonly ConcurrentDictionary<string, bool> held = new(StringComparer.Ordinal);

    public IReadOnlyList<LlamaCall> Calls => [.. calls];

    public void HoldAfterFirstChunk(string marker) => held[marker] = true;

    /// <summary>Completes when the call whose prompt holds <paramref name="marker"/> ended before its generation did.</summary>
    public async Task AbortedAsync(string marker)
    {
        var call = Calls.Single(c => c.Prompt.Contains(marker, StringComparison.Ordinal));
        (await call.Ended.Task.WaitAsync(TimeSpan.FromSeconds(60))).ShouldBe(LlamaCallEnd.Aborted);
    }

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var call = new LlamaCall(string.Join('\n', list.Select(m => m.Text)), options?.ResponseFormat is ChatResponseFormatJson { Schema: not null });
        calls.Enqueue(call);
        var hold = held.Keys.Any(marker => call.Prompt.Contains(marker, StringComparison.Ordinal));
        try
        {
            await one.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            call.Ended.TrySetResult(LlamaCallEnd.Aborted);
            throw;
        }

        var end = LlamaCallEnd.Aborted;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(list, Adapt(options), cancellationToken))
            {
                var text = update.Text;
                call.Text.Append(text);
                call.Chunks += text.Length > 0 ? 1 : 0;
                yield return update;
                if (hold && text.Length > 0 && call.Chunks == 1)
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
            }

            end = LlamaCallEnd.Finished;
            yield return new ChatResponseUpdate(ChatRole.Assistant, []) { FinishReason = ChatFinishReason.Stop, ModelId = TinyGguf.Name };
        }
        finally
        {
            one.Release();
            call.Ended.TrySetResult(end);
        }
    }

    private static ChatOptions Adapt(ChatOptions? options)
    {
        var adapted = options?.Clone() ?? new ChatOptions();
        adapted.Seed ??= 1;
        adapted.MaxOutputTokens ??= ProseMaxTokens;
        if (adapted.ResponseFormat is ChatResponseFormatJson { Schema: { } schema })
        {
            adapted.MaxOutputTokens = options?.MaxOutputTokens ?? ConstrainedMaxTokens;
            var grammar = JsonSchemaGrammar.From(schema);
            adapted.RawRepresentationFactory = _ => new InferenceParams
            {
                SamplingPipeline = new DefaultSamplingPipeline { Grammar = new Grammar(grammar, "root") },
            };
        }

        return adapted;
    }
}
