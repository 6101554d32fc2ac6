using Microsoft.Extensions.Options;

namespace Chaos.Api.Blobs;

/// <summary>
/// Registers the blob store: a local directory from <c>Chaos:Blobs:Path</c>, by default <c>data/blobs</c> under the app's
/// content root — durable across restarts, unlike the temp folder (docs/operations.md#configuration).
/// </summary>
public static class BlobServiceExtensions
{
    public static IServiceCollection AddChaosBlobs(this IServiceCollection services)
    {
        services.AddSingleton<IBlobStore>(provider =>
        {
            var configured = provider.GetRequiredService<IOptions<BlobOptions>>().Value.Path;
            return new LocalBlobStore(string.IsNullOrWhiteSpace(configured) ? DefaultPath(provider.GetRequiredService<IHostEnvironment>()) : configured);
        });
        return services;
    }

    public static string DefaultPath(IHostEnvironment environment) => Path.Combine(environment.ContentRootPath, "data", "blobs");
}
