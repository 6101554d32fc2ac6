using System.Diagnostics;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Attachments;

/// <summary>
/// What the S3 servers of the blob store's tests (<see cref="S3Server"/>, <see cref="RadosGateway"/>) share: a fresh
/// working directory, started processes, and cleanup. A start that fails part way stops what it started before it throws,
/// and disposing stops the server and deletes its directory.
/// </summary>
public abstract class S3TestServer : IAsyncLifetime
{
    public const string Bucket = "chaos";

    protected S3TestServer(string directoryPrefix)
    {
        WorkDirectory = Path.Combine(Path.GetTempPath(), directoryPrefix + Guid.NewGuid().ToString("N")[..12]);
    }

    public Uri Url { get; protected set; } = new("http://127.0.0.1/");

    /// <summary>The server's own directory under the temp directory: its data, logs and pid files.</summary>
    protected string WorkDirectory { get; }

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // A half-started server must not outlive the run.
            await StopAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never written.
        }
    }

    /// <summary>Starts the server and returns once it serves <see cref="Bucket"/> at <see cref="Url"/>.</summary>
    protected abstract Task StartAsync();

    /// <summary>Stops whatever <see cref="StartAsync"/> started, however far it got.</summary>
    protected abstract Task StopAsync();

    /// <summary><paramref name="count"/> distinct free loopback ports.</summary>
    protected static int[] FreePorts(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count)
        {
            ports.Add(PostgresServer.FreeTcpPort());
        }

        return [.. ports];
    }

    /// <summary>Starts <paramref name="file"/> with <paramref name="arguments"/>, its output redirected.</summary>
    protected static Process Start(string file, string? workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
    }

    /// <summary>Kills <paramref name="process"/> (and its children) unless it has exited, and waits for it.</summary>
    protected static async Task KillAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
