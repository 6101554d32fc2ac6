using Chaos.Communities;
using Chaos.E2ee;
using Chaos.Messages;
using Chaos.PrivateChannels;
using Chaos.Relationships;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Serialization;
using Orleans.Storage;

namespace Chaos.Hosting;

/// <summary>
/// The one place that chooses between PostgreSQL and memory for everything that keeps data: CHAOS's own stores and
/// Orleans' grain state, pub-sub state and reminders. Memory is the standalone mode only, and start-up says so
/// (<see cref="ChaosStorage.Describe"/>).
/// </summary>
public static class ChaosStorageExtensions
{
    /// <summary>The ADO.NET invariant Orleans' providers use for PostgreSQL.</summary>
    internal const string AdoInvariant = "Npgsql";

    /// <summary>Every store, and on PostgreSQL the one <see cref="NpgsqlDataSource"/> they share.</summary>
    public static IServiceCollection AddChaosStores(this IServiceCollection services, ChaosStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (storage.ConnectionString is { } connectionString)
        {
            services.TryAddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString) { Name = "chaos" }.Build());
            services.TryAddSingleton<IMessageStore, PostgresMessageStore>();
            services.TryAddSingleton<IReadStateStore, PostgresReadStateStore>();
            services.TryAddSingleton<ICommunityStore, PostgresCommunityStore>();
            services.TryAddSingleton<IUserDirectory, PostgresUserDirectory>();
            services.TryAddSingleton<IRelationshipStore, PostgresRelationshipStore>();
            services.TryAddSingleton<IPrivateChannelStore, PostgresPrivateChannelStore>();
            services.TryAddSingleton<IReactionStore, PostgresReactionStore>();
            services.TryAddSingleton<IPinStore, PostgresPinStore>();
            services.TryAddSingleton<Ai.IModerationStore, Ai.PostgresModerationStore>();
            services.TryAddSingleton<IMessageSearch, PostgresMessageSearch>();
            services.TryAddSingleton<INotificationSettingsStore, PostgresNotificationSettingsStore>();
            services.TryAddSingleton<Support.ISupportStore, Support.PostgresSupportStore>();
        }
        else
        {
            services.TryAddSingleton<IMessageStore, InMemoryMessageStore>();
            services.TryAddSingleton<IReadStateStore, InMemoryReadStateStore>();
            services.TryAddSingleton<ICommunityStore, InMemoryCommunityStore>();
            services.TryAddSingleton<IUserDirectory, InMemoryUserDirectory>();
            services.TryAddSingleton<IRelationshipStore, InMemoryRelationshipStore>();
            services.TryAddSingleton<IPrivateChannelStore, InMemoryPrivateChannelStore>();
            services.TryAddSingleton<IReactionStore, InMemoryReactionStore>();
            services.TryAddSingleton<IPinStore, InMemoryPinStore>();
            services.TryAddSingleton<Ai.IModerationStore, Ai.InMemoryModerationStore>();
            services.TryAddSingleton<IMessageSearch, InMemoryMessageSearch>();
            services.TryAddSingleton<INotificationSettingsStore, InMemoryNotificationSettingsStore>();
            services.TryAddSingleton<Support.ISupportStore, Support.InMemorySupportStore>();
        }

        services.AddChaosE2eeStores(storage);
        return services;
    }

    /// <summary>Orleans' grain state, pub-sub state and reminders, on the same storage as the stores.</summary>
    public static ISiloBuilder AddChaosGrainStorage(this ISiloBuilder silo, ChaosStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (storage.ConnectionString is { } connectionString)
        {
            silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (AdoInvariant, connectionString));
            AddPostgresGrainStorage(silo, ChaosProviders.GrainStorage, connectionString, deleteStateOnClear: false);
            // A stream's pub-sub grain clears its state when the last producer and consumer are gone: delete the row then
            // (kept, every stream ever used would leave one behind), and sweep what was left before (PubSubStoreCleanup).
            AddPostgresGrainStorage(silo, ChaosProviders.PubSubStorage, connectionString, deleteStateOnClear: true);
        }
        else
        {
            silo.UseInMemoryReminderService();
            AddMemoryGrainStorage(silo, ChaosProviders.GrainStorage);
            AddMemoryGrainStorage(silo, ChaosProviders.PubSubStorage);
        }

        return silo;
    }

    /// <summary>
    /// In memory, grain state goes through the same serializer as in PostgreSQL: a state type that would not round-trip
    /// there fails in standalone mode too, and Orleans' default Newtonsoft JSON serializer no longer runs on every write (a
    /// thousand of its methods were JIT-compiled in a flat-out standalone door: docs/benchmarks.md, "Where a flat-out front
    /// door's memory is").
    /// </summary>
    private static void AddMemoryGrainStorage(ISiloBuilder silo, string name) =>
        silo.AddMemoryGrainStorage(name, optionsBuilder => optionsBuilder.Configure<Serializer>((o, serializer) =>
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)));

    /// <summary>
    /// Grain state is written with the Orleans serializer, not the default Newtonsoft JSON: it is version tolerant by
    /// field id and never embeds CLR type names, so renaming or moving a state class cannot orphan its rows.
    /// </summary>
    private static void AddPostgresGrainStorage(ISiloBuilder silo, string name, string connectionString, bool deleteStateOnClear) =>
        silo.AddAdoNetGrainStorage(name, optionsBuilder => optionsBuilder.Configure<Serializer>((o, serializer) =>
        {
            o.Invariant = AdoInvariant;
            o.DeleteStateOnClear = deleteStateOnClear;
            o.ConnectionString = connectionString;
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
}
