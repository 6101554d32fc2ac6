using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Chaos.Tests.Deployment;

/// <summary><c>compose.yaml</c>: valid against the Compose specification, on the chart's images, Orleans ports unpublished.</summary>
public sealed class ComposeFileTests
{
    private static string ComposeFile => Path.Combine(DeploymentTools.RepoRoot, "compose.yaml");

    [Fact]
    public async Task Compose_IsValidAgainstTheComposeSpecificationSchema()
    {
        var result = await DeploymentTools.NodeAsync("validate-compose.mjs", ComposeFile);

        result.ExitCode.ShouldBe(0, result.Output);
        result.Stdout.ShouldContain("valid against the Compose specification");
    }

    [Fact]
    public void Compose_RunsTwoFrontDoorsOnTheChartsImage_AdvertisingTheirOwnAddresses_WithOrleansPortsUnpublished()
    {
        var services = Map(Load(ComposeFile)["services"]);
        var values = Load(Path.Combine(DeploymentTools.Chart, "values.yaml"));
        var apiRepository = (string)Map(Map(values["image"])["api"])["repository"];
        var httpPort = (string)Map(values["ports"])["http"];

        services.Keys.ShouldBe(["postgres", "api-1", "api-2", "ollama"], ignoreOrder: true);
        Map(services["ollama"])["profiles"].ShouldBeAssignableTo<List<object>>().ShouldBe(["ollama"]);
        foreach (var name in new[] { "api-1", "api-2" })
        {
            var service = Map(services[name]);
            ((string)service["image"]).ShouldStartWith(apiRepository + ":");
            Map(service["build"])["dockerfile"].ShouldBe("deploy/images/api.Dockerfile");
            service["read_only"].ShouldBe("true");
            var ports = ((List<object>)service["ports"]).Cast<string>().ToList();
            ports.ShouldHaveSingleItem().ShouldEndWith(":" + httpPort);
            var environment = Map(service["environment"]);
            var address = (string)Map(Map(service["networks"])["chaos"])["ipv4_address"];
            environment["Chaos__AdvertisedIp"].ShouldBe(address);
            ((string)environment["ConnectionStrings__Chaos"]).ShouldStartWith("Host=postgres;");
        }
    }

    private static Dictionary<object, object> Load(string path)
    {
        using var reader = new StringReader(File.ReadAllText(path));
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
    }

    private static Dictionary<object, object> Map(object node) => node.ShouldBeOfType<Dictionary<object, object>>();
}
