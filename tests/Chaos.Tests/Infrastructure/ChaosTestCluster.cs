using Chaos.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace Chaos.Tests.Infrastructure;

/// <summary>
/// A real Orleans TestCluster whose silos run CHAOS's own silo configuration on PostgreSQL: ADO.NET clustering with
/// our SQL, our grain storage and serializer, our reminders. Each test that kills silos builds its own.
/// </summary>
public static class ChaosTestCluster
{
    /// <param name="properties">Extra configuration for silos and client alike (e.g. <c>Chaos:Cluster:Tls:*</c>).</param>
    public static Task<TestCluster> StartAsync(string connectionString, short silos = 2, IReadOnlyDictionary<string, string>? properties = null) =>
        BootLog.TimeAsync($"test cluster ({silos} silos)", () => DeployAsync(connectionString, silos, properties, null));

    /// <summary>The same, with <typeparamref name="TSilo"/> configuring every silo after CHAOS's own configuration (e.g. a replaced store).</summary>
    public static Task<TestCluster> StartAsync<TSilo>(string connectionString, short silos = 2)
        where TSilo : ISiloConfigurator, new() =>
        BootLog.TimeAsync($"test cluster ({silos} silos)", () => DeployAsync(connectionString, silos, null, builder => builder.AddSiloBuilderConfigurator<TSilo>()));

    private static async Task<TestCluster> DeployAsync(string connectionString, short silos, IReadOnlyDictionary<string, string>? properties, Action<TestClusterBuilder>? extra)
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Properties["ConnectionStrings:Chaos"] = connectionString;
        builder.Properties["Chaos:Passwords:MemoryKiB"] = "1024";
        builder.Properties["Chaos:Passwords:Iterations"] = "1";
        foreach (var (key, value) in properties ?? new Dictionary<string, string>())
        {
            builder.Properties[key] = value;
        }

        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        extra?.Invoke(builder);
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var configuration = siloBuilder.Configuration;
            siloBuilder.Services.AddChaosCoreServices(configuration);
            ChaosSiloBuilderExtensions.ConfigureSilo(siloBuilder, configuration, new ChaosOptions(), ChaosStorage.From(configuration), ownsHosting: false);
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = configuration.GetConnectionString("Chaos");
                })
                .UseChaosClusterTls(configuration);
    }
}
