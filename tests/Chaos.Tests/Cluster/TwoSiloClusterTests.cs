using Chaos.Accounts;
using Chaos.Tests.Infrastructure;
using Npgsql;

namespace Chaos.Tests.Cluster;

/// <summary>Two silos on PostgreSQL (our clustering, storage and SQL): state survives killing the silo that wrote it.</summary>
public sealed class TwoSiloClusterTests
{
    [Fact]
    public async Task AccountState_WrittenThroughOneSilo_SurvivesKillingThatSilo()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var cluster = await ChaosTestCluster.StartAsync(connectionString);
        try
        {
            cluster.GetActiveSilos().Count().ShouldBe(2);
            var username = TestUser.UniqueName("kill");
            var userId = Random.Shared.NextInt64(1, long.MaxValue);
            var names = cluster.Client.GetGrain<IUsernameGrain>(UsernameKey.For(username));
            var profile = (await names.RegisterAsync(userId, "Survivor", "password-123")).User;
            var user = cluster.Client.GetGrain<IUserGrain>(userId);
            await user.UpdateProfileAsync(null, "written before the crash");

            // Kill -9 (no graceful hand-off) the silo that holds the user grain: it wrote the state.
            var management = cluster.Client.GetGrain<IManagementGrain>(0);
            var host = await management.GetActivationAddress(user);
            host.ShouldNotBeNull();
            var victim = cluster.GetActiveSilos().Single(s => s.SiloAddress.Equals(host));
            await cluster.KillSiloAsync(victim);

            var reread = await Eventually.ReturnsAsync(
                () => user.GetProfileAsync(), p => p is not null, TimeSpan.FromSeconds(60), "the user grain to reactivate on the surviving silo");
            reread!.ShouldBe(profile with { StatusMessage = "written before the crash" });
            (await management.GetActivationAddress(user)).ShouldNotBe(host);

            // The username claim and the password hash came back too.
            (await names.GetUserIdAsync()).ShouldBe(userId);
            var session = await Eventually.ReturnsAsync(() => names.LoginAsync("password-123"), s => s is not null, TimeSpan.FromSeconds(60), "login after failover");
            session.User.Id.ShouldBe(userId);

            // Our membership SQL recorded the death.
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var dead = await Eventually.ReturnsAsync(async () =>
            {
                await using var command = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE status = 6 AND port = @port", connection);
                command.Parameters.AddWithValue("port", host.Endpoint.Port);
                return (long)(await command.ExecuteScalarAsync())!;
            }, n => n == 1, TimeSpan.FromSeconds(60), "the killed silo to be declared dead in the membership table");
            dead.ShouldBe(1);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
