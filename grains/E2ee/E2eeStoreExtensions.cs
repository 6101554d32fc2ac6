using Chaos.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chaos.E2ee;

/// <summary>The end-to-end encryption stores, on the same storage as everything else (<see cref="ChaosStorageExtensions"/>).</summary>
public static class E2eeStoreExtensions
{
    public static IServiceCollection AddChaosE2eeStores(this IServiceCollection services, ChaosStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (storage.ConnectionString is not null)
        {
            services.TryAddSingleton<IE2eeStore, PostgresE2eeStore>();
            services.TryAddSingleton<IMlsStore, PostgresMlsStore>();
        }
        else
        {
            services.TryAddSingleton<IE2eeStore, InMemoryE2eeStore>();
            services.TryAddSingleton<IMlsStore, InMemoryMlsStore>();
        }

        return services;
    }
}
