namespace Chaos.Tests.Deployment;

/// <summary>What a tool run printed and how it exited.</summary>
internal sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => (Stdout + Environment.NewLine + Stderr).Trim();
}
