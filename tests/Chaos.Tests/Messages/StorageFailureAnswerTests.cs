using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Messages;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Npgsql;

namespace Chaos.Tests.Messages;

/// <summary>
/// A send whose storage call fails inside the Channel grain for a passing reason answers <c>503 unavailable</c> (retry
/// with the nonce), not an internal error, and a failure that is a bug stays a 500. The message store here fails every
/// append and nonce lookup with the given exception, and that exception leaves the grain. In one process the front door
/// maps it either way; between silos only the storage failure call filter can (docs/architecture.md#sends-and-nonces):
/// <see cref="Chaos.Tests.Cluster.StorageFailureAcrossSilosTests"/> covers that case.
/// </summary>
public sealed class StorageFailureAnswerTests
{
    [Fact]
    public async Task ASendTheDatabaseRefusesForNow_AnswersUnavailable_WithRetryAfter()
    {
        var transient = new NpgsqlException("The connection pool has been exhausted", new TimeoutException());
        transient.IsTransient.ShouldBeTrue();
        var (response, _) = await SendThroughAsync(transient);

        var problem = await Problem.ExpectAsync(response, 503, "unavailable");
        response.Headers.RetryAfter.ShouldNotBeNull();
        problem.Body.GetProperty("detail").GetString()!.ShouldNotContain("pool", Case.Insensitive, "internals do not leak");
    }

    [Fact]
    public async Task ASendThatFailsOnABug_StaysAnInternalError()
    {
        var bug = new PostgresException("column reference is ambiguous", "ERROR", "ERROR", "42702");
        bug.IsTransient.ShouldBeFalse();
        var (response, _) = await SendThroughAsync(bug);

        ((int)response.StatusCode).ShouldBe(500);
    }

    private static async Task<(HttpResponseMessage Response, FailingMessageStore Store)> SendThroughAsync(Exception failure)
    {
        var store = new FailingMessageStore(failure);
        await using var server = await ChaosServer.StartAsync(null, configure: builder => builder.Services.AddSingleton<IMessageStore>(store));
        var owner = await server.RegisterAsync();
        var channel = GatewayTests.GeneralChannel(await GatewayTests.CreateCommunityAsync(owner));
        var response = await owner.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = "hello", nonce = "n-1" });
        await response.Content.LoadIntoBufferAsync();
        return (response, store);
    }
}
