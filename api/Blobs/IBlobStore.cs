namespace Chaos.Api.Blobs;

/// <summary>Attachment bytes (docs/architecture.md#blob-store), addressed by attachment id; written once, never changed.</summary>
public interface IBlobStore
{
    /// <summary>Stores <paramref name="content"/> (read to its end) under <paramref name="info"/>'s id.</summary>
    Task SaveAsync(BlobInfo info, Stream content, CancellationToken cancellationToken);

    Task<BlobInfo?> GetInfoAsync(long id, CancellationToken cancellationToken);

    /// <summary>The bytes for reading, or null when the blob does not exist.</summary>
    Stream? OpenRead(long id);

    Task DeleteAsync(long id, CancellationToken cancellationToken);
}
