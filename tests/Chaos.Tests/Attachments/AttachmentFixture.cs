using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Attachments;

/// <summary>
/// A front door on its own PostgreSQL database whose blob directory and upload staging directory belong to this fixture
/// alone, so tests can assert that a refused or half-sent upload left nothing behind in either.
/// </summary>
public sealed class AttachmentFixture : IAsyncLifetime
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "chaos-attachment-tests-" + Guid.NewGuid().ToString("N"));
    private ChaosServer? server;

    public ChaosServer Server => server ?? throw new InvalidOperationException("Not started.");

    public string BlobPath => Path.Combine(root, "blobs");

    public string StagingPath => Path.Combine(root, "staging");

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        server = await ChaosServer.StartAsync(connectionString, new Dictionary<string, string?>
        {
            ["Chaos:Blobs:Path"] = BlobPath,
            ["Chaos:Attachments:StagingPath"] = StagingPath,
        });
    }

    /// <summary>Every file of the blob store (names only), sorted.</summary>
    public IReadOnlyList<string> BlobFiles() =>
        Directory.Exists(BlobPath) ? [.. Directory.GetFiles(BlobPath).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)] : [];

    /// <summary>Everything under the staging directory (an upload in flight has a folder there).</summary>
    public IReadOnlyList<string> StagingEntries() =>
        Directory.Exists(StagingPath) ? Directory.GetFileSystemEntries(StagingPath, "*", SearchOption.AllDirectories) : [];

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was written.
        }
    }
}
