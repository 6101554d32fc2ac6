using Chaos.Api.Blobs;

namespace Chaos.Api.Attachments;

/// <summary>Attachments on the front door: the options, the image inspector and the blob store.</summary>
public static class AttachmentServiceExtensions
{
    public static IServiceCollection AddChaosAttachments(this IServiceCollection services)
    {
        services.AddSingleton<ImageInspector>();
        services.AddChaosBlobs();
        return services;
    }
}
