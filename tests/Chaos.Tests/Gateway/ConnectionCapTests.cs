using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chaos.Tests.Gateway;

/// <summary>
/// At most <c>Chaos:Gateway:MaxConnectionsPerUser</c> (10) gateway connections per user across the cluster; one more is
/// closed with <c>too_many_connections</c> (issue 11, item 5; docs/architecture.md#connection-limits).
/// </summary>
public sealed class ConnectionCapTests(TwoFrontDoorsFixture fixture) : IClassFixture<TwoFrontDoorsFixture>
{
    private const int Cap = 10;

    [Fact]
    public async Task TheEleventhConnection_OnEitherFrontDoor_IsRefused_AndAFreedPlaceCanBeTakenAgain()
    {
        var user = await fixture.A.RegisterAsync();
        var open = new List<GatewayClient>();
        var extra = new List<HubConnection>();
        try
        {
            for (var i = 0; i < Cap; i++)
            {
                open.Add(await GatewayClient.ConnectAsync((i % 2 == 0 ? fixture.A : fixture.B).BaseAddress, user.AccessToken));
            }

            foreach (var door in new[] { fixture.A, fixture.B })
            {
                (await RefusalAsync(door.BaseAddress, user.AccessToken)).ShouldContain("too_many_connections");
            }

            // Everyone else is unaffected.
            var other = await fixture.B.RegisterAsync();
            await using (await GatewayClient.ConnectAsync(fixture.B.BaseAddress, other.AccessToken))
            {
            }

            // Closing one frees a place (once its front door has told the user's Presence grain).
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                var (connection, refusal) = await AttemptAsync(fixture.B.BaseAddress, user.AccessToken);
                if (refusal is null)
                {
                    extra.Add(connection);
                    break;
                }

                await connection.DisposeAsync();
                refusal.ShouldContain("too_many_connections");
                DateTime.UtcNow.ShouldBeLessThan(deadline, "the freed place was never given back");
            }

            (await RefusalAsync(fixture.A.BaseAddress, user.AccessToken)).ShouldContain("too_many_connections");
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }

            foreach (var connection in extra)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>Connects and returns the error the server closed the connection with.</summary>
    private static async Task<string> RefusalAsync(Uri server, string accessToken)
    {
        var (connection, refusal) = await AttemptAsync(server, accessToken);
        await connection.DisposeAsync();
        return refusal ?? "the connection over the cap was accepted (Ready arrived)";
    }

    /// <summary>Connects; the refusal is the error the server closed with, null when <c>Ready</c> arrived instead.</summary>
    private static async Task<(HubConnection Connection, string? Refusal)> AttemptAsync(Uri server, string accessToken)
    {
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/gateway"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        connection.On<object>("Ready", _ => ready.TrySetResult());
        connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        try
        {
            await connection.StartAsync();
        }
        catch (Exception exception)
        {
            return (connection, exception.Message);
        }

        var finished = await Task.WhenAny(closed.Task, ready.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        if (finished == ready.Task)
        {
            return (connection, null);
        }

        finished.ShouldBe(closed.Task, "neither Ready nor a close within 60 s");
        return (connection, (await closed.Task)?.Message ?? "closed without an error");
    }
}
