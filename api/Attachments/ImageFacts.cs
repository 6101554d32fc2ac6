namespace Chaos.Api.Attachments;

/// <summary>An uploaded image's size and its thumbnail (at most 256 px on its longer side), encoded as <see cref="ThumbnailType"/>.</summary>
public sealed record ImageFacts(int Width, int Height, byte[] Thumbnail, string ThumbnailType);
