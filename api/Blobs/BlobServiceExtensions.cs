namespace Chaos.Api.Blobs;

/// <summary>Registers the blob store: a local directory from <c>Chaos:Blobs:Path</c>, by default under the temp folder.</summary>
public static class BlobServiceExtensions
{
    public static IServiceCollection AddChaosBlobs(this IServiceCollection services, IConfiguration configuration)
    {
        var path = configuration["Chaos:Blobs:Path"];
        if (string.IsNullOrWhiteSpace(path))
        {
            path = Path.Combine(Path.GetTempPath(), "chaos-blobs");
        }

        services.AddSingleton<IBlobStore>(new LocalBlobStore(path));
        return services;
    }
}
