namespace Chaos.Api.Blobs;

/// <summary>
/// Registers the blob store: a local directory from <c>Chaos:Blobs:Path</c>, by default <c>data/blobs</c> under the app's
/// content root — durable across restarts, unlike the temp folder (docs/operations.md#configuration).
/// </summary>
public static class BlobServiceExtensions
{
    public static IServiceCollection AddChaosBlobs(this IServiceCollection services, IConfiguration configuration)
    {
        var configured = configuration["Chaos:Blobs:Path"];
        services.AddSingleton<IBlobStore>(provider => new LocalBlobStore(
            string.IsNullOrWhiteSpace(configured) ? DefaultPath(provider.GetRequiredService<IHostEnvironment>()) : configured));
        return services;
    }

    public static string DefaultPath(IHostEnvironment environment) => Path.Combine(environment.ContentRootPath, "data", "blobs");
}
