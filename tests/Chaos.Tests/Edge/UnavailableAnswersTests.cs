using System.Text.Json;
using Chaos.Api.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Chaos.Tests.Edge;

/// <summary>
/// A grain call that times out, or a cluster failing over, answers <c>503 unavailable</c> with a plain wording and
/// <c>Retry-After</c> (docs/api.md#errors), through the front door's real exception handler and problem writer.
/// </summary>
public sealed class UnavailableAnswersTests
{
    public static TheoryData<string, string> Failures => new()
    {
        { "timeout", "did not answer in time" },
        { "cancelled", "did not answer in time" },
        { "silo-unavailable", "failing over" },
        { "nested-timeout", "did not answer in time" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task GrainCallFailures_Answer503Unavailable_WithRetryAfter(string failure, string wording)
    {
        Exception exception = failure switch
        {
            "timeout" => new TimeoutException("Response did not arrive on time in 00:00:30"),
            "cancelled" => new OperationCanceledException(),
            "silo-unavailable" => new SiloUnavailableException("The target silo became unavailable"),
            _ => new AggregateException(new TimeoutException("Response did not arrive on time")),
        };

        var http = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider(),
        };
        http.Response.Body = new MemoryStream();
        var handler = new ChaosExceptionHandler(Microsoft.Extensions.Logging.Abstractions.NullLogger<ChaosExceptionHandler>.Instance);

        (await handler.TryHandleAsync(http, exception, CancellationToken.None)).ShouldBeTrue();

        http.Response.StatusCode.ShouldBe(503);
        http.Response.Headers.RetryAfter.ToString().ShouldBe("1");
        http.Response.Body.Position = 0;
        var problem = await JsonSerializer.DeserializeAsync<JsonElement>(http.Response.Body);
        problem.GetProperty("code").GetString().ShouldBe("unavailable");
        var detail = problem.GetProperty("detail").GetString()!;
        detail.ShouldContain(wording);
        detail.ShouldContain("retry");
        detail.ShouldNotContain("00:00:30", Case.Sensitive, "internals do not leak");
    }
}
