using System.Globalization;
using Chaos.Api.Hosting;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Hosting;

/// <summary>
/// A front door watches its configuration files, not the tree under its content root: started in a folder with 400
/// sub-folders it adds no inotify watch for them, and a changed <c>appsettings.json</c> is still read again
/// (docs/operations.md#configuration).
/// </summary>
public sealed class ConfigurationFileWatchTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("chaos-content-root-").FullName;

    [Fact]
    public async Task ABigContentRoot_AddsNoDirectoryWatches_AndAChangedSettingsFileIsReadAgain()
    {
        for (var i = 0; i < 400; i++)
        {
            Directory.CreateDirectory(Path.Combine(root, "folder" + i.ToString(CultureInfo.InvariantCulture), "inner"));
        }

        var settings = Path.Combine(root, "appsettings.json");
        await File.WriteAllTextAsync(settings, """{ "Probe": { "Value": "first" } }""");
        var before = InotifyWatches();

        await using var app = await ChaosApplication.CreateAsync(StandaloneArgs.With($"--contentRoot={root}"));

        app.Environment.ContentRootPath.TrimEnd('/').ShouldBe(root.TrimEnd('/'));
        app.Configuration["Probe:Value"].ShouldBe("first");
        // 800 folders under the root: a recursive watcher would add one watch for each.
        (InotifyWatches() - before).ShouldBeLessThan(100);

        await File.WriteAllTextAsync(settings, """{ "Probe": { "Value": "second" } }""");
        File.SetLastWriteTimeUtc(settings, DateTime.UtcNow.AddSeconds(5));
        await Eventually.ReturnsAsync(() => Task.FromResult(app.Configuration["Probe:Value"]), v => v == "second", TimeSpan.FromSeconds(30), "the changed settings file");
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>Inotify watches held by this process, over all its inotify instances.</summary>
    private static int InotifyWatches()
    {
        var count = 0;
        foreach (var fd in Directory.GetFiles("/proc/self/fdinfo"))
        {
            try
            {
                count += File.ReadLines(fd).Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal));
            }
            catch (IOException)
            {
                // A descriptor closed while it was read.
            }
        }

        return count;
    }
}
