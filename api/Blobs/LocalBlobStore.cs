using System.Globalization;
using System.Text.Json;

namespace Chaos.Api.Blobs;

/// <summary>
/// Blobs as files in one directory (<c>Chaos:Blobs:Path</c>; front doors of one deployment share it, e.g. a mounted
/// volume): <c>{id}.blob</c> and a <c>{id}.json</c> sidecar. Files appear under their final names only once complete.
/// </summary>
public sealed class LocalBlobStore : IBlobStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string root;

    public LocalBlobStore(string root)
    {
        this.root = root;
        Directory.CreateDirectory(root);
    }

    public string Root => root;

    public async Task SaveAsync(BlobInfo info, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(content);
        var data = PathOf(info.Id, "blob");
        var partial = data + ".partial";
        await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            await content.CopyToAsync(file, cancellationToken);
        }

        File.Move(partial, data, overwrite: true);
        var meta = PathOf(info.Id, "json");
        await File.WriteAllTextAsync(meta + ".partial", JsonSerializer.Serialize(info, Json), cancellationToken);
        File.Move(meta + ".partial", meta, overwrite: true);
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

    public Stream? OpenRead(long id)
    {
        var data = PathOf(id, "blob");
        return File.Exists(data) ? new FileStream(data, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true) : null;
    }

    public Task DeleteAsync(long id, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(id, "json"));
        File.Delete(PathOf(id, "blob"));
        return Task.CompletedTask;
    }

    private string PathOf(long id, string extension) => Path.Combine(root, id.ToString(CultureInfo.InvariantCulture) + "." + extension);
}
