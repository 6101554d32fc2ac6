using System.Net;
using Chaos.Accounts;
using Chaos.Communities;
using Chaos.Ids;
using Chaos.Messages;
using Chaos.Presence;
using Chaos.PrivateChannels;
using Chaos.Relationships;
using Chaos.Storage;
using Chaos.Voice;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Chaos.Hosting;

/// <summary>Wires a CHAOS silo (or, in split mode, an Orleans client) into any host: standalone, co-hosted or dedicated.</summary>
public static class ChaosSiloBuilderExtensions
{
    private const string Invariant = "Npgsql";

    /// <summary>Services every CHAOS process needs, silo or front door: ids, storage access, options.</summary>
    public static IHostApplicationBuilder AddChaosCore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddChaosCoreServices(builder.Configuration);
        return builder;
    }

    /// <summary>The same services for hosts that are not an <see cref="IHostApplicationBuilder"/> (the test cluster).</summary>
    public static IServiceCollection AddChaosCoreServices(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = ChaosStorage.From(configuration);
        services.TryAddSingleton(storage);
        services.TryAddSingleton(TimeProvider.System);
        services.Configure<ChaosOptions>(configuration.GetSection(ChaosOptions.Section));
        services.Configure<PasswordHashingOptions>(configuration.GetSection("Chaos:Passwords"));
        services.Configure<LoginRateLimitOptions>(configuration.GetSection("Chaos:RateLimits"));
        services.TryAddSingleton<PasswordHasher>();
        services.Configure<PresenceOptions>(configuration.GetSection(PresenceOptions.Section));
        services.TryAddSingleton<PresenceMetrics>();
        services.TryAddSingleton<VoiceMetrics>();
        services.TryAddSingleton<SnowflakeIdGenerator>();
        services.TryAddSingleton<IIdGenerator>(sp => sp.GetRequiredService<SnowflakeIdGenerator>());
        if (storage.ConnectionString is { } connectionString)
        {
            services.TryAddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString) { Name = "chaos" }.Build());
            services.TryAddSingleton<ICommunityStore, PostgresCommunityStore>();
            services.TryAddSingleton<IUserDirectory, PostgresUserDirectory>();
            services.TryAddSingleton<IReadStateStore, PostgresReadStateStore>();
            services.TryAddSingleton<IRelationshipStore, PostgresRelationshipStore>();
            services.TryAddSingleton<IPrivateChannelStore, PostgresPrivateChannelStore>();
        }
        else
        {
            services.TryAddSingleton<ICommunityStore, InMemoryCommunityStore>();
            services.TryAddSingleton<IUserDirectory, InMemoryUserDirectory>();
            services.TryAddSingleton<IReadStateStore, InMemoryReadStateStore>();
            services.TryAddSingleton<IRelationshipStore, InMemoryRelationshipStore>();
            services.TryAddSingleton<IPrivateChannelStore, InMemoryPrivateChannelStore>();
        }

        services.AddChaosMessageStorage(configuration);
        services.AddHostedService<NodeIdLeaseService>();
        return services;
    }

    /// <summary>Co-hosts a silo in this process, configured from <c>Chaos</c> and <c>ConnectionStrings:Chaos</c>.</summary>
    public static IHostApplicationBuilder AddChaosSilo(this IHostApplicationBuilder builder)
    {
        builder.AddChaosCore();
        var options = builder.Configuration.GetSection(ChaosOptions.Section).Get<ChaosOptions>() ?? new ChaosOptions();
        var storage = ChaosStorage.From(builder.Configuration);
        builder.UseOrleans(silo => ConfigureSilo(silo, builder.Configuration, options, storage, ownsHosting: true));
        return builder;
    }

    /// <summary>Split mode: joins the cluster found in the PostgreSQL membership table as a client.</summary>
    public static IHostApplicationBuilder AddChaosClusterClient(this IHostApplicationBuilder builder)
    {
        builder.AddChaosCore();
        var options = builder.Configuration.GetSection(ChaosOptions.Section).Get<ChaosOptions>() ?? new ChaosOptions();
        var storage = ChaosStorage.From(builder.Configuration);
        var connectionString = storage.ConnectionString
            ?? throw new InvalidOperationException("Chaos:FrontDoorOnly needs ConnectionStrings:Chaos: the cluster is found through PostgreSQL.");
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (Invariant, connectionString));
            client.AddMemoryStreams(ChaosProviders.Streams);
        });
        return builder;
    }

    /// <summary>
    /// The silo configuration shared by every hosting mode and by the test cluster. <paramref name="ownsHosting"/> is
    /// false where a test host already chose cluster ids and endpoints.
    /// </summary>
    public static void ConfigureSilo(ISiloBuilder silo, IConfiguration configuration, ChaosOptions options, ChaosStorage storage, bool ownsHosting)
    {
        if (ownsHosting)
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
        }

        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection("Orleans:Membership"));
        AddStreams(silo, configuration);
        silo.Services.Configure<GrainCollectionOptions>(configuration.GetSection("Orleans:GrainCollection"));
        if (storage.ConnectionString is { } connectionString)
        {
            if (ownsHosting)
            {
                var advertised = string.IsNullOrWhiteSpace(options.AdvertisedIp) ? IPAddress.Loopback : IPAddress.Parse(options.AdvertisedIp);
                silo.ConfigureEndpoints(advertised, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
            }

            silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (Invariant, connectionString));
            silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (Invariant, connectionString));
            AddPostgresGrainStorage(silo, ChaosProviders.GrainStorage, connectionString, deleteStateOnClear: false);
            // A stream's pub-sub grain clears its state when the last producer and consumer are gone: delete the row then
            // (kept, every stream ever used would leave one behind), and sweep what was left before (PubSubStoreCleanup).
            AddPostgresGrainStorage(silo, ChaosProviders.PubSubStorage, connectionString, deleteStateOnClear: true);
            silo.Services.AddOptions<PubSubCleanupOptions>().Bind(configuration.GetSection(PubSubCleanupOptions.Section));
            silo.Services.AddSingleton<PubSubStoreCleanup>();
            silo.Services.AddHostedService(sp => sp.GetRequiredService<PubSubStoreCleanup>());
        }
        else
        {
            if (ownsHosting)
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            }

            silo.UseInMemoryReminderService();
            silo.AddMemoryGrainStorage(ChaosProviders.GrainStorage);
            silo.AddMemoryGrainStorage(ChaosProviders.PubSubStorage);
        }
    }

    /// <summary>
    /// The memory stream provider pulls its queues on a timer that sets both latency and idle cost (ARCHITECTURE.md:
    /// the 100 ms default gives p50 ≈ 50 ms). Chat starts at 10 ms and 2 queues; both are configurable.
    /// </summary>
    private static void AddStreams(ISiloBuilder silo, IConfiguration configuration)
    {
        var periodMs = configuration.GetValue("Chaos:Streams:PullPeriodMilliseconds", 10);
        var queues = configuration.GetValue("Chaos:Streams:Queues", 2);
        silo.AddMemoryStreams(ChaosProviders.Streams, streams =>
        {
            streams.ConfigurePartitioning(queues);
            streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(periodMs)));
        });
    }

    /// <summary>
    /// Grain state is written with the Orleans serializer, not the default Newtonsoft JSON: it is version tolerant by
    /// field id and never embeds CLR type names, so renaming or moving a state class cannot orphan its rows.
    /// </summary>
    private static void AddPostgresGrainStorage(ISiloBuilder silo, string name, string connectionString, bool deleteStateOnClear) =>
        silo.AddAdoNetGrainStorage(name, optionsBuilder => optionsBuilder.Configure<Serializer>((o, serializer) =>
        {
            o.Invariant = Invariant;
            o.DeleteStateOnClear = deleteStateOnClear;
            o.ConnectionString = connectionString;
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
}
