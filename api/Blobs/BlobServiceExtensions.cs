using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chaos.Api.Blobs;

/// <summary>
/// Registers the blob store (docs/operations.md#blob-storage): with <c>Chaos:Blobs:Provider=s3</c> an S3-compatible
/// bucket, otherwise a local directory from <c>Chaos:Blobs:Path</c>, by default <c>data/blobs</c> under the app's content
/// root — durable across restarts, unlike the temp folder.
/// </summary>
public static class BlobServiceExtensions
{
    public const string S3HttpClient = "chaos-s3";

    public static IServiceCollection AddChaosBlobs(this IServiceCollection services)
    {
        services.AddHttpClient(S3HttpClient, client => client.Timeout = TimeSpan.FromMinutes(5));
        services.TryAddSingleton<IBlobStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<BlobOptions>>().Value;
            if (options.Provider == "s3")
            {
                return new S3BlobStore(provider.GetRequiredService<IHttpClientFactory>().CreateClient(S3HttpClient), options.S3, provider.GetService<TimeProvider>() ?? TimeProvider.System);
            }

            return new LocalBlobStore(string.IsNullOrWhiteSpace(options.Path) ? DefaultPath(provider.GetRequiredService<IHostEnvironment>()) : options.Path);
        });
        return services;
    }

    public static string DefaultPath(IHostEnvironment environment) => System.IO.Path.Combine(environment.ContentRootPath, "data", "blobs");
}
