using Chaos.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chaos.Messages;

/// <summary>Registers the process-wide group-commit writer over the message store that <see cref="ChaosStorageExtensions.AddChaosStores"/> chose.</summary>
public static class MessageWriterServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="MessageWriter"/> configured from <c>Chaos:Messages</c>. The writer is disposed with the container,
    /// after the silo has stopped and its grains have deactivated, so the last writes still find it and are flushed.
    /// </summary>
    public static IServiceCollection AddChaosMessageWriter(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddChaosOptions<MessageWriterOptions>(configuration, MessageWriterOptions.Section);
        services.TryAddSingleton<MessageWriter>();
        return services;
    }
}
