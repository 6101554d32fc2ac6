namespace Chaos.Api.Attachments;

/// <summary>
/// A multipart upload read to its end: the files staged on disk and the text parts. Disposing deletes the staging
/// directory, whatever happened (docs/architecture.md#attachments).
/// </summary>
public sealed class StagedUpload(string directory) : IDisposable
{
    public string Directory { get; } = directory;

    public List<StagedFile> Files { get; } = [];

    public string? Content { get; set; }

    public string? Nonce { get; set; }

    public string? ReplyToId { get; set; }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was staged.
        }
    }
}
