using Chaos.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Chaos.Messages;

/// <summary>Registers the message store and the process-wide group-commit writer.</summary>
public static class MessageStorageServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="IMessageStore"/> on PostgreSQL when <c>ConnectionStrings:Chaos</c> is set (using the registered
    /// <see cref="NpgsqlDataSource"/>, or one of its own if none is registered), in memory otherwise; and
    /// <see cref="MessageWriter"/> configured from <c>Chaos:Messages</c>. The writer is disposed with the container,
    /// after the silo has stopped and its grains have deactivated, so the last writes still find it and are flushed.
    /// </summary>
    public static IServiceCollection AddChaosMessageStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var storage = ChaosStorage.From(configuration);
        if (storage.ConnectionString is { } connectionString)
        {
            services.TryAddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString) { Name = "chaos" }.Build());
            services.TryAddSingleton<IMessageStore>(sp => new PostgresMessageStore(sp.GetRequiredService<NpgsqlDataSource>()));
        }
        else
        {
            services.TryAddSingleton<IMessageStore, InMemoryMessageStore>();
        }

        services.AddChaosOptions<MessageWriterOptions>(configuration, MessageWriterOptions.Section);
        services.TryAddSingleton<MessageWriter>();
        return services;
    }
}
