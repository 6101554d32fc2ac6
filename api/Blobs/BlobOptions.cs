namespace Chaos.Api.Blobs;

/// <summary><c>Chaos:Blobs</c>: where the local blob store keeps voice-message audio; front doors of one deployment share it.</summary>
public sealed class BlobOptions
{
    public const string Section = "Chaos:Blobs";

    /// <summary>The directory; unset, <c>data/blobs</c> under the content root (<see cref="BlobServiceExtensions.DefaultPath"/>).</summary>
    public string? Path { get; set; }
}
