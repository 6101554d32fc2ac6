using System.Diagnostics;
using System.Text;

namespace Chaos.Tests.Infrastructure;

/// <summary>Runs Node.js tools of the web client (<c>clients/web</c>) from tests and collects their output.</summary>
public static class NodeRunner
{
    /// <summary>The repository root (the folder holding Chaos.sln), found above the test output.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string WebClientDirectory => Path.Combine(RepositoryRoot, "clients", "web");

    /// <summary>The api project's build output (same configuration and framework as the tests), where webclient/ is.</summary>
    public static string ApiAssembly
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(RepositoryRoot, "api", "bin", testOutput.Parent!.Name, testOutput.Name, "Chaos.Api.dll");
        }
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = WebClientDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["CI"] = "true";
        info.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"Could not start '{fileName}': Node.js 20+ must be on PATH to test the web client.", exception);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"Timed out after {timeout.TotalSeconds:0} s.\n{Snapshot(output)}");
        }

        // WaitForExitAsync returns once the redirected streams reached end of file.
        return (process.ExitCode, Snapshot(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Chaos.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Could not find the repository root (Chaos.sln) above " + AppContext.BaseDirectory);
    }
}
