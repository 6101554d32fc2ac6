using Chaos.Api.Hosting;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Web;

/// <summary>One standalone front door serving a small fake web client build that includes the support widget's <c>widget.js</c>.</summary>
public sealed class SupportWidgetFixture : IAsyncLifetime
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "chaos-widget-" + Guid.NewGuid().ToString("N"));
    private ChaosServer? server;

    public HttpClient Http => server?.Http ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(Path.Combine(root, "index.html"), "<!doctype html><title>CHAOS</title><div id=\"root\"></div>");
        await File.WriteAllTextAsync(Path.Combine(root, "widget.js"), "(function(){console.log('widget')})();");
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
