using Chaos.Api.Hosting;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Web;

/// <summary>One standalone front door serving a small fake web client build (index.html, a hashed asset, a manifest).</summary>
public sealed class WebClientFixture : IAsyncLifetime
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "chaos-web-" + Guid.NewGuid().ToString("N"));
    private ChaosServer? server;

    public HttpClient Http => server?.Http ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(root, "assets"));
        await File.WriteAllTextAsync(Path.Combine(root, "index.html"), "<!doctype html><title>CHAOS</title><div id=\"root\"></div><script type=\"module\" src=\"/assets/index-Abc123.js\"></script>");
        await File.WriteAllTextAsync(Path.Combine(root, "assets", "index-Abc123.js"), "console.log('chaos');");
        await File.WriteAllTextAsync(Path.Combine(root, "manifest.webmanifest"), "{\"name\":\"CHAOS\"}");
        server = await ChaosServer.StartAsync(null, new Dictionary<string, string?> { [WebClientExtensions.RootKey] = root });
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        Directory.Delete(root, recursive: true);
    }
}
