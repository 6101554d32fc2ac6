using System.Globalization;
using System.Text.Json;

namespace Chaos.Api.Blobs;

/// <summary>
/// Blobs as files in one directory (<c>Chaos:Blobs:Path</c>; front doors of one deployment share it, e.g. a mounted
/// volume): <c>{id}.blob</c> and a <c>{id}.json</c> sidecar. Files appear under their final names only once complete, are
/// readable by the owner only, and are never overwritten: a blob id is written once (docs/architecture.md#blobs).
/// </summary>
public sealed class LocalBlobStore : IBlobStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string root;

    public LocalBlobStore(string root)
    {
        this.root = root;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(root);
        }
        else
        {
            Directory.CreateDirectory(root, OwnerOnlyDirectory);
        }
    }

    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string Root => root;

    public async Task SaveAsync(BlobInfo info, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(content);
        var data = PathOf(info.Id, "blob");
        if (File.Exists(data))
        {
            throw new IOException($"Blob {info.Id} exists already; blobs are never overwritten.");
        }

        var partial = data + "." + Guid.NewGuid().ToString("N") + ".partial";
        var meta = PathOf(info.Id, "json");
        var metaPartial = meta + "." + Guid.NewGuid().ToString("N") + ".partial";
        try
        {
            await using (var file = new FileStream(partial, NewFile()))
            {
                await content.CopyToAsync(file, cancellationToken);
            }

            await using (var file = new FileStream(metaPartial, NewFile()))
            {
                await JsonSerializer.SerializeAsync(file, info, Json, cancellationToken);
            }

            // overwrite: false — a second writer of the same id loses with an IOException instead of replacing bytes.
            File.Move(partial, data, overwrite: false);
            File.Move(metaPartial, meta, overwrite: false);
        }
        finally
        {
            File.Delete(partial);
            File.Delete(metaPartial);
        }
    }

    private static FileStreamOptions NewFile()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 81920, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        return options;
    }

    public async Task<BlobInfo?> GetInfoAsync(long id, CancellationToken cancellationToken)
    {
        var meta = PathOf(id, "json");
        if (!File.Exists(meta))
        {
            return null;
        }

        return JsonSerializer.Deserialize<BlobInfo>(await File.ReadAllTextAsync(meta, cancellationToken), Json);
    }

    public Task<Stream?> OpenReadAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult<Stream?>(new FileStream(PathOf(id, "blob"), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true));
        }
        catch (FileNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task DeleteAsync(long id, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(id, "json"));
        File.Delete(PathOf(id, "blob"));
        return Task.CompletedTask;
    }

    private string PathOf(long id, string extension) => Path.Combine(root, id.ToString(CultureInfo.InvariantCulture) + "." + extension);
}
