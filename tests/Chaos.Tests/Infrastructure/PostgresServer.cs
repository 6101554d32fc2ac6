using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Chaos.Storage;
using Npgsql;

namespace Chaos.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL server per test run. Started from the machine's initdb/pg_ctl (as an unprivileged
/// user when the tests run as root), or taken from <c>CHAOS_TEST_POSTGRES</c> when that names an existing server.
/// Every fixture gets its own freshly migrated database; tests sharing one keep apart by fresh users, channels and ids.
/// </summary>
public static class PostgresServer
{
    private const string OsUser = "chaospg";
    private const string DirectoryPrefix = "chaos-pg-";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? adminConnectionString;
    private static int databaseCounter;

    /// <summary>Creates an empty database with every CHAOS migration applied and returns its connection string.</summary>
    public static Task<string> CreateDatabaseAsync(bool migrate = true) =>
        BootLog.TimeAsync(migrate ? "database" : "database (empty)", () => CreateDatabaseCoreAsync(migrate));

    private static async Task<string> CreateDatabaseCoreAsync(bool migrate)
    {
        var admin = await GetAdminConnectionStringAsync();
        var name = $"chaos_{Environment.ProcessId}_{Interlocked.Increment(ref databaseCounter)}_{Guid.NewGuid():N}"[..40];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true, MaxPoolSize = 30, ConnectionIdleLifetime = 10, ConnectionPruningInterval = 2 };
        var connectionString = builder.ConnectionString;
        if (migrate)
        {
            await SchemaMigrator.MigrateAsync(connectionString, CancellationToken.None);
        }

        return connectionString;
    }

    private static async Task<string> GetAdminConnectionStringAsync()
    {
        if (adminConnectionString is not null)
        {
            return adminConnectionString;
        }

        await Gate.WaitAsync();
        try
        {
            if (adminConnectionString is not null)
            {
                return adminConnectionString;
            }

            var external = Environment.GetEnvironmentVariable("CHAOS_TEST_POSTGRES");
            adminConnectionString = string.IsNullOrWhiteSpace(external) ? await BootLog.TimeAsync("postgres", StartLocalServerAsync) : external;
            return adminConnectionString;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string> StartLocalServerAsync()
    {
        var binDirectory = FindPostgresBinaries() ?? throw new InvalidOperationException(
            "No PostgreSQL for the tests: set CHAOS_TEST_POSTGRES to a connection string of an existing server, " +
            "or install PostgreSQL server binaries (initdb, pg_ctl) — `apt-get install postgresql` — so the fixture can start one.");

        RemoveLeftoverServers();
        var root = Path.Combine(Path.GetTempPath(), $"{DirectoryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..32]);
        Directory.CreateDirectory(root);
        var dataDirectory = Path.Combine(root, "data");
        var port = FreeTcpPort();
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("/bin/sh", $"-c \"id -u {OsUser} >/dev/null 2>&1 || useradd -M -s /bin/sh {OsUser}\"");
            await RunAsync("/bin/chown", $"-R {OsUser} {root}");
        }

        var initdb = $"{Path.Combine(binDirectory, "initdb")} -D {dataDirectory} -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8";
        var options = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000 -c shared_buffers=128MB -c max_wal_size=128MB -c min_wal_size=32MB";
        var start = $"{Path.Combine(binDirectory, "pg_ctl")} -D {dataDirectory} -o \\\"{options}\\\" -l {root}/postgres.log -w -t 60 start";
        await RunAsUserAsync(asRoot, initdb);
        await RunAsUserAsync(asRoot, start);

        // The server goes when this test process does, however it ends: a detached reaper waits for the process to exit,
        // then stops the server and deletes its directory. (A ProcessExit hook does not get there: the test runner kills
        // its test host soon after the last test, mid-hook.)
        var stop = $"{Path.Combine(binDirectory, "pg_ctl")} -D {dataDirectory} -m immediate stop";
        var reaper = Path.Combine(root, "reap.sh");
        await File.WriteAllTextAsync(reaper, $"""
            tail --pid={Environment.ProcessId} -f /dev/null
            {(asRoot ? $"su {OsUser} -c '{stop}'" : stop)}
            rm -rf {root}
            """);
        await RunAsync("/bin/sh", $"-c \"setsid /bin/sh {reaper} </dev/null >/dev/null 2>&1 &\"");

        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Include Error Detail=true";
    }

    /// <summary>
    /// Stops and deletes the servers of earlier test runs whose test process is gone and whose reaper did not finish
    /// (the machine restarted, the reaper was killed). Before the reaper every run left its server's directory behind —
    /// up to 1.4 GB each once the suite had run — and a build machine's disk filled run by run. A directory's name
    /// carries its test process's id; one whose process is still alive is never touched.
    /// </summary>
    private static void RemoveLeftoverServers()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var name = Path.GetFileName(directory);
            var ownerEnd = name.IndexOf('-', DirectoryPrefix.Length);
            if (ownerEnd < 0 || !int.TryParse(name.AsSpan(DirectoryPrefix.Length, ownerEnd - DirectoryPrefix.Length), out var owner) || Directory.Exists($"/proc/{owner}"))
            {
                continue;
            }

            try
            {
                // postmaster.pid's first line is the server's process id; a server whose test process died may still run.
                var pidFile = Path.Combine(directory, "data", "postmaster.pid");
                if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var postmaster) &&
                    File.Exists($"/proc/{postmaster}/cmdline") && File.ReadAllText($"/proc/{postmaster}/cmdline").Contains("postgres", StringComparison.Ordinal))
                {
                    using var server = Process.GetProcessById(postmaster);
                    server.Kill(entireProcessTree: true);
                    server.WaitForExit(TimeSpan.FromSeconds(10));
                }

                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Best effort: another run may be removing it too, or the server is already gone.
            }
        }
    }

    private static Task RunAsUserAsync(bool asRoot, string command) =>
        asRoot ? RunAsync("/bin/su", $"{OsUser} -c \"{command}\"") : RunAsync("/bin/sh", $"-c \"{command}\"");

    private static string? FindPostgresBinaries()
    {
        var candidates = new List<string>();
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries));
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")));
        }

        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static async Task RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"Could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{file} {arguments}` failed with {process.ExitCode}: {await stdout}{await stderr}");
        }
    }

    private static int nextPort = 20000 + (Environment.ProcessId % 500) * 20;

    /// <summary>
    /// A TCP port that is free right now on loopback, taken below Linux's ephemeral range (32768+): a port from the
    /// ephemeral range can be handed to some outgoing connection the moment we release it, and a server restarted on it
    /// would then fail to bind.
    /// </summary>
    public static int FreeTcpPort()
    {
        while (true)
        {
            var port = Interlocked.Increment(ref nextPort);
            if (port >= 32000)
            {
                Interlocked.CompareExchange(ref nextPort, 20000, port);
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try the next one.
            }
        }
    }
}
