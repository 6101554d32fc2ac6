using Microsoft.Extensions.FileProviders;

namespace Chaos.Api.Hosting;

/// <summary>The built web client's folder, when there is one.</summary>
public sealed class WebClientFiles
{
    public WebClientFiles(string root)
    {
        Root = root;
        Exists = File.Exists(Path.Combine(root, "index.html"));
        Provider = Exists ? new PhysicalFileProvider(root) : new NullFileProvider();
    }

    public string Root { get; }

    public bool Exists { get; }

    public IFileProvider Provider { get; }
}
