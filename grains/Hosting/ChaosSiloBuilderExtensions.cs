using System.Net;
using Chaos.Accounts;
using Chaos.Ai;
using Chaos.Errors;
using Chaos.Ids;
using Chaos.Messages;
using Chaos.Presence;
using Chaos.Storage;
using Chaos.Streaming;
using Chaos.Support;
using Chaos.Telemetry;
using Chaos.Voice;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Chaos.Hosting;

/// <summary>Wires a CHAOS silo (or, in split mode, an Orleans client) into any host: standalone, co-hosted or dedicated.</summary>
public static class ChaosSiloBuilderExtensions
{
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
        services.AddChaosCoreOptions(configuration);
        services.TryAddSingleton<PasswordHasher>();
        services.TryAddSingleton<PresenceMetrics>();
        services.TryAddSingleton<VoiceMetrics>();
        services.TryAddSingleton<SnowflakeIdGenerator>();
        services.TryAddSingleton<IIdGenerator>(sp => sp.GetRequiredService<SnowflakeIdGenerator>());
        services.AddChaosStores(storage);
        services.AddChaosMessageWriter(configuration);
        services.AddChaosAi(configuration);
        services.AddChaosSupport(configuration);
        services.AddHostedService<NodeIdLeaseService>();
        return services;
    }

    /// <summary>Co-hosts a silo in this process, configured from <c>Chaos</c> and <c>ConnectionStrings:Chaos</c>.</summary>
    public static IHostApplicationBuilder AddChaosSilo(this IHostApplicationBuilder builder)
    {
        builder.AddChaosCore();
        var options = ChaosConfiguration.Read<ChaosOptions>(builder.Configuration, ChaosOptions.Section);
        var storage = ChaosStorage.From(builder.Configuration);
        builder.UseOrleans(silo => ConfigureSilo(silo, builder.Configuration, options, storage, ownsHosting: true));
        return builder;
    }

    /// <summary>Split mode: joins the cluster found in the PostgreSQL membership table as a client.</summary>
    public static IHostApplicationBuilder AddChaosClusterClient(this IHostApplicationBuilder builder)
    {
        builder.AddChaosCore();
        var options = ChaosConfiguration.Read<ChaosOptions>(builder.Configuration, ChaosOptions.Section);
        var storage = ChaosStorage.From(builder.Configuration);
        var connectionString = storage.ConnectionString
            ?? throw new InvalidOperationException("Chaos:FrontDoorOnly needs ConnectionStrings:Chaos: the cluster is found through PostgreSQL.");
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (ChaosStorageExtensions.AdoInvariant, connectionString));
            AddStreams(client, builder.Configuration);
            client.AddChaosClientTelemetry(builder.Configuration);
            client.UseChaosClusterTls(builder.Configuration);
            if (ChaosConfiguration.Read<AdminOptions>(builder.Configuration, AdminOptions.Section).Dashboard)
            {
                client.AddDashboard();
            }

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

        // Every 5 s (Orleans: 60 s) each silo reads the membership table even when nothing told it to. A silo that
        // leaves gracefully marks itself Dead there and gossips that last; when the gossip is lost (its connections are
        // already closing), calls in flight to it wait their full 30 s response timeout unless the table is read first
        // (docs/operations.md#failure-behaviour; the reads cost no measurable CPU, docs/benchmarks.md). Configuration
        // (Orleans:Membership) still wins.
        silo.Services.Configure<ClusterMembershipOptions>(o => o.TableRefreshTimeout = TimeSpan.FromSeconds(5));
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection("Orleans:Membership"));
        // Orleans sizes each of its two grain-location caches for 1,000,000 entries up front (9.3 MB apiece, touched page
        // by page as grains are located); 100,000 remote grain locations per silo is plenty where fan-out makes no
        // per-user call (docs/operations.md#memory-and-gc). Orleans:DirectoryCache wins (Orleans:GrainDirectory itself is
        // Orleans' section for directory providers).
        silo.Services.Configure<GrainDirectoryOptions>(o => o.CacheSize = 100_000);
        silo.Services.Configure<GrainDirectoryOptions>(configuration.GetSection("Orleans:DirectoryCache"));
        // A stateless worker's idle extra activations are looked for every 5 s, not every 0.5 s: the inspection is a timer
        // per worker type that woke an idle silo twice a second (the management grain answers every readiness probe), and
        // the extras hold nothing (docs/benchmarks.md, "The timers of an idle silo"). Orleans:StatelessWorker wins.
        silo.Services.Configure<StatelessWorkerOptions>(o => o.IdleWorkersInspectionPeriod = TimeSpan.FromSeconds(5));
        silo.Services.Configure<StatelessWorkerOptions>(configuration.GetSection("Orleans:StatelessWorker"));
        silo.AddChaosSiloTelemetry(configuration);
        // After the telemetry filter, so the send metrics count a storage failure as `unavailable`.
        silo.Services.AddSingleton<IIncomingGrainCallFilter, StorageFailureCallFilter>();
        silo.UseChaosClusterTls(configuration);
        if (ChaosConfiguration.Read<AdminOptions>(configuration, AdminOptions.Section).Dashboard)
        {
            silo.AddDashboard();
        }

        AddStreams(silo, configuration);
        // Finds dead front doors for this silo's Presence grains (docs/architecture.md#presence).
        silo.Services.AddSingleton<FrontDoorWatch>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<FrontDoorWatch>());
        silo.Services.Configure<GrainCollectionOptions>(configuration.GetSection("Orleans:GrainCollection"));
        if (storage.ConnectionString is { } connectionString)
        {
            if (ownsHosting)
            {
                ConfigureEndpoints(silo, options);
            }

            silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (ChaosStorageExtensions.AdoInvariant, connectionString));
            // Sweeps the pub-sub rows left behind before DeleteStateOnClear (ChaosStorageExtensions) deleted them at once.
            silo.Services.AddOptions<PubSubCleanupOptions>().Bind(configuration.GetSection(PubSubCleanupOptions.Section));
            silo.Services.AddSingleton<PubSubStoreCleanup>();
            silo.Services.AddHostedService(sp => sp.GetRequiredService<PubSubStoreCleanup>());
        }
        else if (ownsHosting)
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        }

        silo.AddChaosGrainStorage(storage);
    }

    /// <summary>
    /// The silo and gateway ports listen on the advertised address only (loopback when none is given), or on
    /// <see cref="ChaosOptions.ListenIp"/> when set: a pod or host on both a client-facing and a cluster network keeps
    /// Orleans' unauthenticated ports off the client one (docs/operations.md#cluster-network).
    /// </summary>
    internal static void ConfigureEndpoints(ISiloBuilder silo, ChaosOptions options)
    {
        var advertised = string.IsNullOrWhiteSpace(options.AdvertisedIp) ? IPAddress.Loopback : IPAddress.Parse(options.AdvertisedIp);
        var listen = string.IsNullOrWhiteSpace(options.ListenIp) ? advertised : IPAddress.Parse(options.ListenIp);
        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = advertised;
            o.SiloPort = options.SiloPort;
            o.GatewayPort = options.GatewayPort;
            o.SiloListeningEndpoint = new IPEndPoint(listen, options.SiloPort);
            o.GatewayListeningEndpoint = new IPEndPoint(listen, options.GatewayPort);
        });
    }

    /// <summary>
    /// The stream provider (<see cref="StreamQueueAdapterFactory"/>): its queues, their readers' wait and the pulling
    /// period (<see cref="ChaosStreamsOptions"/> says why they matter).
    /// </summary>
    private static void AddStreams(ISiloBuilder silo, IConfiguration configuration)
    {
        var options = ChaosConfiguration.Read<ChaosStreamsOptions>(configuration, ChaosStreamsOptions.Section);
        silo.AddPersistentStreams(ChaosProviders.Streams, StreamQueueAdapterFactory.Create, streams =>
        {
            streams.Configure<HashRingStreamQueueMapperOptions>(queues => queues.Configure(o => o.TotalQueueCount = options.Queues));
            streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = options.PullPeriod));
        });
    }

    /// <summary>A split-mode front door publishes to the same queues the silos read.</summary>
    private static void AddStreams(IClientBuilder client, IConfiguration configuration)
    {
        var options = ChaosConfiguration.Read<ChaosStreamsOptions>(configuration, ChaosStreamsOptions.Section);
        client.AddPersistentStreams(ChaosProviders.Streams, StreamQueueAdapterFactory.Create, streams =>
            streams.Configure<HashRingStreamQueueMapperOptions>(queues => queues.Configure(o => o.TotalQueueCount = options.Queues)));
    }
}
