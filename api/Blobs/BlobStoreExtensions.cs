namespace Chaos.Api.Blobs;

/// <summary>Operations over <see cref="IBlobStore"/> that every implementation shares.</summary>
public static class BlobStoreExtensions
{
    /// <summary>Deletes an attachment's bytes and, for an image, its thumbnail (docs/architecture.md#attachments).</summary>
    public static async Task DeleteWithThumbnailAsync(this IBlobStore store, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.GetInfoAsync(id, cancellationToken) is { ThumbnailId: { } thumbnail })
        {
            await store.DeleteAsync(thumbnail, cancellationToken);
        }

        await store.DeleteAsync(id, cancellationToken);
    }
}
