using System.Diagnostics;
using System.Text;

namespace Chaos.Tests.Deployment;

/// <summary>
/// Finds the repository and the tools <c>deploy/tools/install.sh</c> installs (helm in <c>.tools/bin</c>, the npm
/// validators in <c>deploy/validate/node_modules</c>) and runs them. A missing tool fails the test with the command
/// that installs it: these checks are never skipped.
/// </summary>
internal static class DeploymentTools
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Chart => Path.Combine(RepoRoot, "helm", "chaos");

    public static string Helm
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("CHAOS_HELM");
            var toolsDir = Environment.GetEnvironmentVariable("CHAOS_TOOLS_DIR") is { Length: > 0 } dir ? dir : Path.Combine(RepoRoot, ".tools");
            var path = string.IsNullOrEmpty(configured) ? Path.Combine(toolsDir, "bin", "helm") : configured;
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"helm is missing at {path}: run deploy/tools/install.sh (.ci/run does), or set CHAOS_HELM to a Helm 4 binary.");
        }
    }

    /// <summary>The node scripts' folder, with its packages installed.</summary>
    public static string Validators
    {
        get
        {
            var dir = Path.Combine(RepoRoot, "deploy", "validate");
            return Directory.Exists(Path.Combine(dir, "node_modules", "kubernetes-models"))
                ? dir
                : throw new InvalidOperationException($"The npm validators are not installed in {dir}/node_modules: run deploy/tools/install.sh (.ci/run does).");
        }
    }

    public static async Task<ToolResult> RunAsync(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + fileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish within {Timeout.TotalSeconds} s");
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    public static Task<ToolResult> HelmAsync(params string[] arguments) => RunAsync(Helm, arguments);

    public static Task<ToolResult> NodeAsync(string script, params string[] arguments) =>
        RunAsync("node", [Path.Combine(Validators, script), .. arguments], Validators);

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Chaos.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Could not find the repository root (Chaos.sln) above " + AppContext.BaseDirectory);
    }
}
