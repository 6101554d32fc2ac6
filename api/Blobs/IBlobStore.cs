namespace Chaos.Api.Blobs;

/// <summary>
/// Attachment bytes (docs/architecture.md#blob-store), addressed by attachment id; written once, never changed. A blob
/// is visible only once complete: a failed or cancelled <see cref="SaveAsync"/> leaves nothing behind.
/// </summary>
public interface IBlobStore
{
    /// <summary>Stores <paramref name="content"/> (read to its end) under <paramref name="info"/>'s id.</summary>
    Task SaveAsync(BlobInfo info, Stream content, CancellationToken cancellationToken);

    Task<BlobInfo?> GetInfoAsync(long id, CancellationToken cancellationToken);

    /// <summary>The bytes for reading — a seekable stream of known length, so downloads can serve ranges — or null when the blob does not exist.</summary>
    Task<Stream?> OpenReadAsync(long id, CancellationToken cancellationToken);

    /// <summary>Removes the blob; deleting a blob that does not exist is not an error.</summary>
    Task DeleteAsync(long id, CancellationToken cancellationToken);
}
