using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace Chaos.Tests.Infrastructure;

/// <summary>A real CHAOS process (<c>api</c> or <c>silo</c>) started from its build output, killable with SIGKILL.</summary>
public sealed class ChaosProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private bool disposed;

    private ChaosProcess(Process process, Uri httpAddress)
    {
        this.process = process;
        HttpAddress = httpAddress;
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri HttpAddress { get; }

    public string Output => string.Join('\n', output);

    /// <summary>
    /// Starts <c>dotnet {project}.dll</c> on <paramref name="ports"/>, clustered through the database of
    /// <paramref name="connectionString"/>, with the settings of <see cref="Settings"/> and the test's own
    /// <paramref name="overrides"/> (added, or replacing a default).
    /// </summary>
    /// <param name="readyTimeout">How long the process may take to answer <c>/health/ready</c> (90 s unless given).</param>
    public static Task<ChaosProcess> StartAsync(
        string project,
        string connectionString,
        ChaosProcessPorts ports,
        IReadOnlyDictionary<string, string>? overrides = null,
        TimeSpan? readyTimeout = null) =>
        StartAsync(project, ports.Http, Settings(connectionString, ports, overrides), readyTimeout);

    /// <summary>
    /// What a test process runs with unless the test says otherwise: the database, the process's silo and gateway ports,
    /// cheap password hashing, no rate limits and warnings only; <paramref name="overrides"/> added or replacing these.
    /// </summary>
    public static Dictionary<string, string> Settings(string connectionString, ChaosProcessPorts ports, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Chaos"] = connectionString,
            ["Chaos:SiloPort"] = ports.Silo.ToString(CultureInfo.InvariantCulture),
            ["Chaos:GatewayPort"] = ports.Gateway.ToString(CultureInfo.InvariantCulture),
            ["Chaos:Passwords:MemoryKiB"] = "1024",
            ["Chaos:Passwords:Iterations"] = "1",
            ["Chaos:RateLimits:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Starts <c>dotnet {project}.dll</c> from the repo's build output with configuration given as arguments.</summary>
    /// <param name="readyTimeout">How long the process may take to answer <c>/health/ready</c> (90 s unless given).</param>
    public static Task<ChaosProcess> StartAsync(string project, int httpPort, IDictionary<string, string> settings, TimeSpan? readyTimeout = null) =>
        BootLog.TimeAsync($"process ({project})", () => LaunchAsync(project, httpPort, settings, readyTimeout ?? TimeSpan.FromSeconds(90)));

    private static async Task<ChaosProcess> LaunchAsync(string project, int httpPort, IDictionary<string, string> settings, TimeSpan readyTimeout)
    {
        var dll = FindBuildOutput(project);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{httpPort}");
        // As in ChaosServer: a loaded CI machine must not starve a test's registrations (a test's settings may override).
        info.ArgumentList.Add("--Chaos:Passwords:Niceness=0");
        info.ArgumentList.Add("--Chaos:Passwords:MaxWaitMilliseconds=600000");
        foreach (var (key, value) in settings)
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        var started = new ChaosProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {dll}"), new Uri($"http://127.0.0.1:{httpPort}"));
        try
        {
            await started.WaitReadyAsync(readyTimeout);
        }
        catch
        {
            // A process that never became ready is nobody's to dispose: killed here, not left running after the test.
            await started.DisposeAsync();
            throw;
        }

        return started;
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The process exited with {process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow to answer while starting.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Not ready within {timeout}:\n{Output}");
    }

    /// <summary>SIGKILL: no graceful shutdown, no hand-off, exactly like a crashed pod.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>
    /// SIGTERM, as Kubernetes stops a pod: the process drains and leaves the cluster by itself. Answers how long it took
    /// to exit; SIGKILL after <paramref name="timeout"/>, as the kubelet does after the grace period.
    /// </summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using (var signal = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var grace = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException($"The process did not exit within {timeout} of SIGTERM:\n{Output}");
        }

        return clock.Elapsed;
    }

    public int ExitCode => process.ExitCode;

    /// <summary>Registers a fresh user (name starting with <paramref name="prefix"/>) through this process, signed in to it.</summary>
    public async Task<TestUser> RegisterAsync(string prefix)
    {
        var name = TestUser.UniqueName(prefix);
        using var anonymous = new HttpClient { BaseAddress = HttpAddress };
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/register", new { username = name, password = "password-123" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var auth = (await response.Content.ReadFromJsonAsync<AuthBody>())!;
        return For(new TestUser(auth.User.Id, name, "password-123", auth.AccessToken, auth.RefreshToken, null!));
    }

    /// <summary><paramref name="user"/> with an HTTP client of their own that talks to this process with their access token.</summary>
    public TestUser For(TestUser user)
    {
        var http = new HttpClient { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", user.AccessToken);
        return user with { Http = http };
    }

    public async ValueTask DisposeAsync()
    {
        // A test that restarts a process disposes the old one before starting the new; if the start fails, its finally
        // block disposes the old one again, and that must not hide the start's exception.
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (!process.HasExited)
        {
            await KillAsync();
        }

        process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 400 && output.TryDequeue(out _))
        {
        }
    }

    private static string FindBuildOutput(string project)
    {
        // tests/Chaos.Tests/bin/{Configuration}/net10.0 → repo root, same configuration and framework.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Chaos.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException("Could not find the repository root (Chaos.sln) above " + AppContext.BaseDirectory);
        }

        var assembly = project == "api" ? "Chaos.Api" : "Chaos.Silo";
        var dll = Path.Combine(root.FullName, project, "bin", configuration, framework, assembly + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build {project} first: {dll} is missing.", dll);
    }
}
