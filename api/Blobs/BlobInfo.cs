namespace Chaos.Api.Blobs;

/// <summary>
/// What the blob store keeps beside the bytes: enough to authorize and serve a download. <see cref="ThumbnailId"/> names
/// the blob of an image's thumbnail, which is deleted with it (<see cref="BlobStoreExtensions.DeleteWithThumbnailAsync"/>).
/// </summary>
public sealed record BlobInfo(long Id, long ChannelId, string Filename, string ContentType, long Size, long? ThumbnailId = null);
