namespace Chaos.Tests.Deployment;

/// <summary>
/// The Dockerfiles per process kind, and the FROM-scratch twin <c>deploy/images/build.sh</c> builds without a daemon:
/// non-root, health-checked, the chart's ports, and the twin in step with its Dockerfile line for line.
/// </summary>
public sealed class ImageDefinitionTests
{
    public static TheoryData<string, string> Kinds => new() { { "api", "Chaos.Api.dll" }, { "silo", "Chaos.Silo.dll" } };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Dockerfile_IsMultiStage_NonRoot_HealthChecked_OnTheChartsPorts(string kind, string assembly)
    {
        var lines = File.ReadAllLines(Dockerfile(kind));

        lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ShouldBe(2);
        lines.ShouldContain("FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime");
        lines.ShouldContain("USER 1654:1654");
        lines.ShouldContain(l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        lines.ShouldContain($"ENTRYPOINT [\"dotnet\", \"/app/{assembly}\"]");
        lines.ShouldContain("EXPOSE 8080 11111 30000");
        var values = File.ReadAllText(Path.Combine(DeploymentTools.Chart, "values.yaml"));
        values.ShouldContain("ports:\n  http: 8080\n  silo: 11111\n  gateway: 30000\n");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task DaemonlessTwin_IsTheDockerfilesRuntimeStage_FromScratch(string kind, string assembly)
    {
        var result = await DeploymentTools.RunAsync("bash", [Path.Combine(DeploymentTools.RepoRoot, "deploy", "images", "build.sh"), "--print-containerfile", kind]);
        result.ExitCode.ShouldBe(0, result.Output);
        var twin = result.Stdout.TrimEnd('\n').Split('\n');

        twin[..2].ShouldBe(["FROM scratch", "ADD rootfs.tar /"]);
        twin.ShouldContain("COPY --chown=0:0 publish /app");
        twin.ShouldNotContain(l => l.Contains("apt-get", StringComparison.Ordinal));
        var runtime = File.ReadAllLines(Dockerfile(kind)).SkipWhile(l => !l.EndsWith(" AS runtime", StringComparison.Ordinal)).Skip(1)
            .Where(l => !l.StartsWith("ARG RUNTIME_PACKAGES=", StringComparison.Ordinal) && !l.StartsWith("RUN apt-get ", StringComparison.Ordinal))
            .Select(l => l == "COPY --from=build --chown=0:0 /app /app" ? "COPY --chown=0:0 publish /app" : l);
        twin[2..].ShouldBe(runtime);
        twin.ShouldContain($"ENTRYPOINT [\"dotnet\", \"/app/{assembly}\"]");
    }

    private static string Dockerfile(string kind) => Path.Combine(DeploymentTools.RepoRoot, "deploy", "images", kind + ".Dockerfile");
}
