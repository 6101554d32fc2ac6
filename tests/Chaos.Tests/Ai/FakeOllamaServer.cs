using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Chaos.Tests.Ai;

/// <summary>
/// A model server that speaks Ollama's HTTP protocol the way Ollama does, for driving the real OllamaSharp client:
/// <c>/api/version</c>, <c>/api/tags</c>, and <c>/api/chat</c> streaming NDJSON flushed per chunk and ended by a
/// <c>done: true</c> line with <c>done_reason</c> (or one JSON object when <c>stream</c> is false); 404 with an
/// <c>{"error"}</c> body for a model it does not have; and whatever a test scripts: errors before or in the middle of a
/// stream, 503 when busy, slow chunks, answers that hang. It records every request and sees clients go away.
/// </summary>
public sealed class FakeOllamaServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<FakeOllamaReply> scripted = new();
    private readonly ConcurrentQueue<FakeOllamaRequest> requests = new();

    private FakeOllamaServer(WebApplication app)
    {
        this.app = app;
    }

    public Uri BaseAddress => new(app.Urls.First());

    /// <summary>Models <c>/api/tags</c> lists; <c>/api/chat</c> answers 404 for any other.</summary>
    public ConcurrentDictionary<string, bool> Models { get; } = new(StringComparer.Ordinal);

    /// <summary>The answer when nothing is scripted: one fixed sentence in three chunks, or the test's function.</summary>
    public Func<FakeOllamaRequest, FakeOllamaReply> DefaultReply { get; set; } = _ => FakeOllamaReply.Text("All ", "quiet ", "here.");

    public IReadOnlyList<FakeOllamaRequest> Requests => [.. requests];

    public int ChatCalls => requests.Count;

    /// <summary>Raised for each request as it arrives (before it is answered).</summary>
    public event Action<FakeOllamaRequest>? Received;

    public static async Task<FakeOllamaServer> StartAsync(params string[] models)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var server = new FakeOllamaServer(app);
        foreach (var model in models)
        {
            server.Models[model] = true;
        }

        app.MapGet("/api/version", () => Results.Json(new { version = "0.12.6" }));
        app.MapGet("/api/tags", () => Results.Json(new
        {
            models = server.Models.Keys.Select(name => new { name, model = name, modified_at = "2026-12-01T00:00:00Z", size = 1_000, digest = "sha256:00" }),
        }));
        app.MapPost("/api/chat", server.ChatAsync);
        await app.StartAsync();
        return server;
    }

    /// <summary>The next requests get these answers, in order; then <see cref="DefaultReply"/> again.</summary>
    public void Script(params FakeOllamaReply[] replies)
    {
        foreach (var reply in replies)
        {
            scripted.Enqueue(reply);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task ChatAsync(HttpContext http)
    {
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
        var request = new FakeOllamaRequest(body);
        requests.Enqueue(request);
        Received?.Invoke(request);
        var aborted = http.RequestAborted;
        aborted.Register(() => request.Disconnected.TrySetResult());
        try
        {
            await AnswerAsync(http, request, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: Disconnected says so.
        }
        catch (IOException) when (aborted.IsCancellationRequested)
        {
        }
        finally
        {
            request.Finished.TrySetResult();
        }
    }

    private async Task AnswerAsync(HttpContext http, FakeOllamaRequest request, CancellationToken aborted)
    {
        if (!Models.ContainsKey(request.Model))
        {
            await WriteErrorAsync(http, 404, $"model '{request.Model}' not found");
            return;
        }

        var reply = scripted.TryDequeue(out var next) ? next : DefaultReply(request);
        if (reply.Status is { } status)
        {
            await WriteErrorAsync(http, status, reply.ErrorAfterChunks ?? "error");
            return;
        }

        if (!request.Stream)
        {
            // Ollama's non-streaming answer: one object, the whole text, done.
            var whole = string.Concat(reply.Chunks);
            await http.Response.WriteAsJsonAsync(Line(request.Model, whole, done: true, reply.DoneReason), aborted);
            return;
        }

        http.Response.ContentType = "application/x-ndjson";
        await http.Response.StartAsync(aborted);
        for (var i = 0; i < reply.Chunks.Count; i++)
        {
            if (reply.BeforeChunk is { } gate)
            {
                await gate(i).WaitAsync(aborted);
            }

            await WriteLineAsync(http, Line(request.Model, reply.Chunks[i], done: false, null), aborted);
        }

        if (reply.ErrorAfterChunks is { } error)
        {
            await WriteLineAsync(http, new Dictionary<string, object?> { ["error"] = error }, aborted);
            return;
        }

        if (reply.HangAfterChunks)
        {
            await Task.Delay(Timeout.Infinite, aborted);
        }

        await WriteLineAsync(http, Line(request.Model, "", done: true, reply.DoneReason), aborted);
    }

    private static Dictionary<string, object?> Line(string model, string content, bool done, string? doneReason)
    {
        var line = new Dictionary<string, object?>
        {
            ["model"] = model,
            ["created_at"] = DateTimeOffset.UtcNow.ToString("O"),
            ["message"] = new Dictionary<string, object?> { ["role"] = "assistant", ["content"] = content },
            ["done"] = done,
        };
        if (done)
        {
            line["done_reason"] = doneReason;
            line["total_duration"] = 1_000_000;
            line["load_duration"] = 1_000;
            line["prompt_eval_count"] = 10;
            line["prompt_eval_duration"] = 1_000;
            line["eval_count"] = 3;
            line["eval_duration"] = 1_000;
        }

        return line;
    }

    private static async Task WriteLineAsync(HttpContext http, object line, CancellationToken aborted)
    {
        await http.Response.WriteAsync(JsonSerializer.Serialize(line) + "\n", aborted);
        await http.Response.Body.FlushAsync(aborted);
    }

    private static async Task WriteErrorAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        await http.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = message });
    }
}
