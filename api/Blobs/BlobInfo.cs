namespace Chaos.Api.Blobs;

/// <summary>What the blob store keeps beside the bytes: enough to authorize and serve a download.</summary>
public sealed record BlobInfo(long Id, long ChannelId, string Filename, string ContentType, long Size);
