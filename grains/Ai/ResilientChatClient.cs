using System.Net;
using System.Runtime.CompilerServices;
using Chaos.Errors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OllamaSharp.Models.Chat;
using OllamaSharp.Models.Exceptions;

namespace Chaos.Ai;

/// <summary>
/// Wraps the model server's <see cref="IChatClient"/> with what CHAOS needs of every model call
/// (docs/architecture.md#ai-assistance): at most <see cref="AiOptions.MaxConcurrentCalls"/> at once per process, an idle
/// and a total timeout, retries while the server answers 503/429 (only before the first chunk), a circuit that stops
/// calling a dead server, and a stream that ends without <c>done</c> treated as the failure it is — OllamaSharp ends
/// such a stream quietly when the server writes an <c>{"error": …}</c> line mid-answer. Every failure reaches the caller
/// as <see cref="ChaosException"/> <c>ai_unavailable</c>; the caller's own cancellation stays a cancellation.
/// Non-streaming calls run as streams too, so they get the same <c>done</c> check.
/// </summary>
public sealed partial class ResilientChatClient : DelegatingChatClient
{
    private readonly AiOptions options;
    private readonly AiCircuit circuit;
    private readonly AiMetrics metrics;
    private readonly ILogger logger;
    private readonly SemaphoreSlim slots;

    public ResilientChatClient(IChatClient inner, AiOptions options, AiCircuit circuit, AiMetrics metrics, ILogger<ResilientChatClient> logger)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.circuit = circuit;
        this.metrics = metrics;
        this.logger = logger;
        slots = new SemaphoreSlim(options.MaxConcurrentCalls, options.MaxConcurrentCalls);
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, chatOptions, cancellationToken).ToChatResponseAsync(cancellationToken);

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var model = chatOptions?.ModelId ?? options.ChatModel;
        var idle = TimeSpan.FromSeconds(options.IdleTimeoutSeconds);
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(options.RequestTimeoutSeconds);
        var list = messages as IReadOnlyCollection<ChatMessage> ?? messages.ToList();

        if (!circuit.TryAcquire())
        {
            metrics.Call("circuit_open");
            throw new ChaosException(ErrorCodes.AiUnavailable, "The model server is not answering; AI assistance is paused for a while.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(idle);
        try
        {
            await slots.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            circuit.RecordAbandoned();
            metrics.Call("busy");
            throw new ChaosException(ErrorCodes.AiUnavailable, "Too many AI requests are in progress; try again shortly.");
        }
        catch (OperationCanceledException)
        {
            circuit.RecordAbandoned();
            throw;
        }

        var outcome = "cancelled";
        try
        {
            var attempt = 0;
            var yielded = false;
            var finished = false;
            while (true)
            {
                // Flows into the HTTP handler with the first read, which sends the request (AbortOnCancelHandler).
                AiCallToken.Set(timeout.Token);
                var enumerator = base.GetStreamingResponseAsync(list, chatOptions, timeout.Token).GetAsyncEnumerator(timeout.Token);
                Task<bool>? pending = null;
                try
                {
                    while (true)
                    {
                        bool more;
                        try
                        {
                            var left = deadline - DateTimeOffset.UtcNow;
                            timeout.CancelAfter(left < idle ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : idle);
                            // On the thread pool, because OllamaSharp reads partly synchronously (a grain's scheduler
                            // must never block), and awaited only until the token fires: whatever the inner client does
                            // with a hung connection, this call ends on time.
                            pending = Task.Run(() => enumerator.MoveNextAsync().AsTask(), CancellationToken.None);
                            more = await pending.WaitAsync(timeout.Token);
                            pending = null;
                        }
                        catch (HttpRequestException e) when (!yielded && IsBusy(e) && attempt < options.MaxRetries && !cancellationToken.IsCancellationRequested)
                        {
                            attempt++;
                            LogRetry(logger, model, (int?)e.StatusCode ?? 0, attempt);
                            break;
                        }
                        catch (Exception) when (cancellationToken.IsCancellationRequested)
                        {
                            // The caller gave up: whatever the aborted read threw, it is a cancellation.
                            throw new OperationCanceledException(cancellationToken);
                        }
                        catch (Exception e) when (Classify(e, timeout.IsCancellationRequested, model) is { } failure)
                        {
                            outcome = failure.Outcome;
                            throw failure.Exception;
                        }

                        if (!more)
                        {
                            // A read aborted by the caller's cancellation can also end the stream quietly (no exception).
                            cancellationToken.ThrowIfCancellationRequested();
                            if (!finished)
                            {
                                outcome = "failed";
                                LogIncomplete(logger, model);
                                throw new ChaosException(ErrorCodes.AiUnavailable, "The model server broke off its answer.");
                            }

                            outcome = "ok";
                            yield break;
                        }

                        var update = enumerator.Current;
                        finished |= update.FinishReason is not null || update.RawRepresentation is ChatResponseStream { Done: true };
                        yielded = true;
                        yield return update;
                    }
                }
                finally
                {
                    if (pending is null || pending.IsCompleted)
                    {
                        await enumerator.DisposeAsync();
                    }
                    else
                    {
                        // A read still in flight (its token has fired, so it ends soon): dispose after it, never during it.
                        _ = pending.ContinueWith(
                            static (read, state) =>
                            {
                                _ = read.Exception;
                                return ((IAsyncEnumerator<ChatResponseUpdate>)state!).DisposeAsync().AsTask();
                            },
                            enumerator,
                            CancellationToken.None,
                            TaskContinuationOptions.ExecuteSynchronously,
                            TaskScheduler.Default).Unwrap();
                    }
                }

                // A busy answer (503/429) before any chunk: wait and ask again.
                await Task.Delay(TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds * (1 << (attempt - 1))), cancellationToken);
            }
        }
        finally
        {
            slots.Release();
            Record(outcome);
        }
    }

    private static bool IsBusy(HttpRequestException e) =>
        e.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests;

    private void Record(string outcome)
    {
        metrics.Call(outcome);
        switch (outcome)
        {
            case "ok" or "missing_model":
                circuit.RecordSuccess();
                break;
            case "cancelled":
                circuit.RecordAbandoned();
                break;
            default:
                if (circuit.RecordFailure())
                {
                    metrics.CircuitOpened();
                    LogCircuitOpened(logger, options.CircuitBreakSeconds);
                }

                break;
        }
    }

    /// <summary>Turns what OllamaSharp and HttpClient throw into <c>ai_unavailable</c>; null leaves anything else as it is.</summary>
    private Failure? Classify(Exception e, bool timedOut, string model)
    {
        if (e is ChaosException chaos)
        {
            return new Failure("failed", chaos);
        }

        if (timedOut)
        {
            LogTimeout(logger, model);
            return new Failure("failed", new ChaosException(ErrorCodes.AiUnavailable, "The model server did not answer in time."));
        }

        if (e is HttpRequestException { StatusCode: HttpStatusCode.NotFound })
        {
            // Ollama answers 404 for a model it does not have; OllamaSharp drops the body that says so.
            LogMissingModel(logger, model);
            return new Failure("missing_model", new ChaosException(ErrorCodes.AiUnavailable, $"The model server has no model '{model}'."));
        }

        if (e is HttpRequestException or OllamaException or IOException or ObjectDisposedException or System.Text.Json.JsonException)
        {
            LogFailed(logger, e, model);
            var busy = e is HttpRequestException http && IsBusy(http);
            return new Failure(busy ? "busy" : "failed", new ChaosException(
                ErrorCodes.AiUnavailable, busy ? "The model server is busy; try again shortly." : "The model server failed to answer."));
        }

        return null;
    }

    private sealed record Failure(string Outcome, ChaosException Exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model server busy for {Model} (HTTP {Status}); retry {Attempt}")]
    private static partial void LogRetry(ILogger logger, string model, int status, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model server ended the {Model} answer without done: an error mid-stream")]
    private static partial void LogIncomplete(ILogger logger, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model server did not answer the {Model} call in time")]
    private static partial void LogTimeout(ILogger logger, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model server has no model {Model} (HTTP 404)")]
    private static partial void LogMissingModel(ILogger logger, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model call to {Model} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model server failing: circuit open for {Seconds} s")]
    private static partial void LogCircuitOpened(ILogger logger, int seconds);
}
