using System.Collections.Concurrent;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace Chaos.Tests.Deployment;

/// <summary>
/// CI checks of <c>helm/chaos</c>: <c>helm lint --strict</c> and <c>helm template</c> for the default values and the
/// value sets in <c>helm/chaos/ci</c>; every rendered manifest validated against the Kubernetes schemas
/// (kubernetes-models) and parsed strictly (KubernetesClient: unknown fields fail); then what the chart promises.
/// </summary>
public sealed class HelmChartTests
{
    private const string Release = "chaos";

    private static readonly ConcurrentDictionary<string, Task<string>> Rendered = new();

    public static TheoryData<string> ValueSets => new() { "default", "silo", "split", "ingress", "existing-secret", "cluster" };

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Lint_IsStrictlyClean(string valueSet)
    {
        var result = await DeploymentTools.HelmAsync(["lint", "--strict", DeploymentTools.Chart, .. ValuesArguments(valueSet)]);

        result.ExitCode.ShouldBe(0, result.Output);
        result.Output.ShouldNotContain("[WARNING]");
    }

    [Theory]
    [MemberData(nameof(ValueSets))]
    public async Task Render_IsValidAgainstKubernetesSchemas_AndParsesStrictly(string valueSet)
    {
        var text = await RenderAsync(valueSet);
        var file = Path.Combine(Path.GetTempPath(), $"chaos-helm-{valueSet}-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, text);
        try
        {
            var validation = await DeploymentTools.NodeAsync("validate-manifests.mjs", file);
            validation.ExitCode.ShouldBe(0, validation.Output);

            var objects = KubernetesYaml.LoadAllFromString(text, null, strict: true);
            objects.Count.ShouldBeGreaterThan(5);
            validation.Stdout.ShouldContain($"{objects.Count} valid, 0 invalid");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void StrictParsing_RejectsUnknownFields()
    {
        const string manifest = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  prots:\n    - port: 80\n";

        Should.Throw<Exception>(() => KubernetesYaml.LoadAllFromString(manifest, null, strict: true));
        KubernetesYaml.LoadAllFromString(manifest, null, strict: false).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Default_FrontDoorsCoHostSilos_WithProbesAdvertisedPodIpAndGracefulShutdown()
    {
        var objects = await LoadAsync("default");

        var deployment = objects.OfType<V1Deployment>().ShouldHaveSingleItem();
        deployment.Metadata.Name.ShouldBe("chaos-front-door");
        deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value.ShouldBe("0");
        var pod = deployment.Spec.Template.Spec;
        pod.TerminationGracePeriodSeconds.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(30);
        pod.SecurityContext.RunAsNonRoot.ShouldBe(true);
        pod.TopologySpreadConstraints.Select(c => c.TopologyKey).ShouldBe(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
        var container = pod.Containers.ShouldHaveSingleItem();
        container.SecurityContext.ReadOnlyRootFilesystem.ShouldBe(true);
        container.Ports.Select(p => p.Name).ShouldBe(["http", "silo", "gateway"]);
        container.StartupProbe.HttpGet.Path.ShouldBe("/health/live");
        container.LivenessProbe.HttpGet.Path.ShouldBe("/health/live");
        container.ReadinessProbe.HttpGet.Path.ShouldBe("/health/ready");
        container.Env.Single(e => e.Name == "Chaos__AdvertisedIp").ValueFrom.FieldRef.FieldPath.ShouldBe("status.podIP");
        container.Env.ShouldNotContain(e => e.Name == "Chaos__FrontDoorOnly");
        container.Resources.Requests.ShouldContainKey("cpu");
        container.VolumeMounts.Select(m => m.MountPath).ShouldBe(["/tmp", "/var/lib/chaos/blobs"]);

        // The in-cluster PostgreSQL option: the password comes from that chart's Secret, never from values.
        var connection = container.Env.Single(e => e.Name == "ConnectionStrings__Chaos").Value;
        connection.ShouldStartWith("Host=chaos-postgresql;");
        connection.ShouldContain("Password=$(CHAOS_DATABASE_PASSWORD)");
        container.Env.Single(e => e.Name == "CHAOS_DATABASE_PASSWORD").ValueFrom.SecretKeyRef.Name.ShouldBe("chaos-postgresql");
        objects.OfType<V1Secret>().ShouldBeEmpty();

        var config = objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "chaos");
        container.EnvFrom.ShouldHaveSingleItem().ConfigMapRef.Name.ShouldBe("chaos");
        config.Data["Chaos__ClusterId"].ShouldBe("chaos");
        config.Data["Chaos__SiloPort"].ShouldBe("11111");
        config.Data["Chaos__GatewayPort"].ShouldBe("30000");
        config.Data["Urls"].ShouldBe("http://+:8080");
        config.Data["Logging__Console__FormatterName"].ShouldBe("json");

        objects.OfType<V1PodDisruptionBudget>().ShouldHaveSingleItem().Spec.MaxUnavailable.Value.ShouldBe("1");
        objects.OfType<V2HorizontalPodAutoscaler>().ShouldBeEmpty();
        objects.OfType<V1Ingress>().ShouldBeEmpty();
    }

    [Fact]
    public async Task Default_OrleansPortsStayInsideTheCluster_AndOnlyChaosPodsReachThem()
    {
        var objects = await LoadAsync("default");

        var http = objects.OfType<V1Service>().Single(s => s.Metadata.Name == "chaos");
        http.Spec.Type.ShouldBe("ClusterIP");
        http.Spec.SessionAffinity.ShouldBe("None");
        http.Spec.Ports.ShouldHaveSingleItem().TargetPort.Value.ShouldBe("http");
        var cluster = objects.OfType<V1Service>().Single(s => s.Metadata.Name == "chaos-cluster");
        cluster.Spec.ClusterIP.ShouldBe("None");
        cluster.Spec.Ports.Select(p => p.Name).ShouldBe(["silo", "gateway"]);

        var policy = objects.OfType<V1NetworkPolicy>().ShouldHaveSingleItem();
        policy.Spec.PodSelector.MatchLabels["app.kubernetes.io/instance"].ShouldBe(Release);
        var orleans = policy.Spec.Ingress.Single(rule => rule.Ports.Any(p => p.Port.Value == "silo"));
        orleans.Ports.Select(p => p.Port.Value).ShouldBe(["silo", "gateway"]);
        var peer = orleans.FromProperty.ShouldHaveSingleItem();
        peer.PodSelector.MatchLabels["app.kubernetes.io/name"].ShouldBe("chaos");
        peer.PodSelector.MatchLabels["app.kubernetes.io/instance"].ShouldBe(Release);
        peer.NamespaceSelector.ShouldBeNull();
        peer.IpBlock.ShouldBeNull();
    }

    [Fact]
    public async Task Default_ShipsAGrafanaDashboard_OverTheExportedMetrics()
    {
        var objects = await LoadAsync("default");

        var dashboard = objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "chaos-dashboard");
        dashboard.Metadata.Labels["grafana_dashboard"].ShouldBe("1");
        using var json = JsonDocument.Parse(dashboard.Data["chaos.json"]);
        var expressions = json.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
        expressions.Count.ShouldBeGreaterThan(8);
        string[] exported =
        [
            "chaos_gateway_connections", "chaos_messages_accepted_total", "chaos_gateway_deliveries_total",
            "chaos_fanout_lag_milliseconds_bucket", "chaos_voice_frames_forwarded_total", "chaos_voice_frames_dropped_total",
            "messages_persisted_total", "message_batch_size_bucket", "message_persist_duration_milliseconds_bucket",
        ];
        foreach (var metric in exported)
        {
            expressions.ShouldContain(e => e.Contains(metric), $"the dashboard should chart {metric}");
        }
    }

    [Fact]
    public async Task SiloSet_AddsAutoscaledDedicatedSilos_WithSharedBlobStorage()
    {
        var objects = await LoadAsync("silo");

        var deployments = objects.OfType<V1Deployment>().ToDictionary(d => d.Metadata.Name);
        deployments.Keys.Order().ShouldBe(["chaos-front-door", "chaos-silo"]);
        var silo = deployments["chaos-silo"];
        silo.Spec.Replicas.ShouldBeNull();
        var siloContainer = silo.Spec.Template.Spec.Containers.ShouldHaveSingleItem();
        siloContainer.Image.ShouldBe("chaos-silo:0.1.0");
        siloContainer.Ports.Select(p => p.Name).ShouldBe(["http", "silo", "gateway"]);
        siloContainer.Env.Single(e => e.Name == "Chaos__AdvertisedIp").ValueFrom.FieldRef.FieldPath.ShouldBe("status.podIP");
        siloContainer.VolumeMounts.ShouldHaveSingleItem().MountPath.ShouldBe("/tmp");

        objects.OfType<V2HorizontalPodAutoscaler>().Select(h => h.Spec.ScaleTargetRef.Name).Order().ShouldBe(["chaos-front-door", "chaos-silo"]);
        objects.OfType<V1PodDisruptionBudget>().Count().ShouldBe(2);
        var claim = objects.OfType<V1PersistentVolumeClaim>().ShouldHaveSingleItem();
        claim.Spec.AccessModes.ShouldBe(["ReadWriteMany"]);
        deployments["chaos-front-door"].Spec.Template.Spec.Volumes.Single(v => v.Name == "blobs").PersistentVolumeClaim.ClaimName.ShouldBe(claim.Metadata.Name);
    }

    [Fact]
    public async Task SplitSet_FrontDoorsJoinAsClients()
    {
        var objects = await LoadAsync("split");

        var frontDoor = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "chaos-front-door").Spec.Template.Spec.Containers.Single();
        frontDoor.Env.Single(e => e.Name == "Chaos__FrontDoorOnly").Value.ShouldBe("true");
        frontDoor.Ports.Select(p => p.Name).ShouldBe(["http"]);
    }

    [Fact]
    public async Task ClusterSet_MountsTheTlsSecret_ServesTheDashboardToAdmins_AndTrustsTheProxies()
    {
        var objects = await LoadAsync("cluster");

        var pod = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "chaos-front-door").Spec.Template.Spec;
        var container = pod.Containers.Single();
        pod.Volumes.Single(v => v.Name == "cluster-tls").Secret.SecretName.ShouldBe("chaos-cluster-tls");
        container.VolumeMounts.Single(m => m.Name == "cluster-tls").ReadOnlyProperty.ShouldBe(true);
        container.Env.Single(e => e.Name == "Chaos__Cluster__Tls__CertificatePath").Value.ShouldBe("/etc/chaos/cluster-tls/tls.crt");
        container.Env.Single(e => e.Name == "Chaos__Cluster__Tls__KeyPath").Value.ShouldBe("/etc/chaos/cluster-tls/tls.key");
        container.Env.Single(e => e.Name == "Chaos__Cluster__Tls__CaPath").Value.ShouldBe("/etc/chaos/cluster-tls/ca.crt");

        // The admin password lives in the Secret, never in the ConfigMap.
        var token = container.Env.Single(e => e.Name == "Chaos__Admin__Token").ValueFrom.SecretKeyRef;
        token.Name.ShouldBe("chaos");
        objects.OfType<V1Secret>().ShouldHaveSingleItem().StringData.ShouldContainKey(token.Key);
        var config = objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "chaos").Data;
        config["Chaos__Admin__Dashboard"].ShouldBe("true");
        config["Chaos__Admin__Users__0"].ShouldBe("123456789012345678");
        config.Values.ShouldNotContain("an-administrator-token-of-at-least-32-bytes");
        config["Chaos__FrontDoor__KnownProxies__0"].ShouldBe("10.0.0.10");
        config["Chaos__FrontDoor__KnownProxies__1"].ShouldBe("fd00::10");
    }

    [Theory]
    [InlineData("frontDoor.knownProxies[0]=proxy.example.com")]
    [InlineData("admin.token=short")]
    [InlineData("cluster.tls.enabled=true")]
    public async Task BadClusterOrAdminValues_AreRefusedBeforeRendering(string setting)
    {
        var result = await DeploymentTools.HelmAsync("template", Release, DeploymentTools.Chart, "--set", setting);

        result.ExitCode.ShouldNotBe(0, result.Output);
    }

    [Fact]
    public async Task SplitWithoutSilos_FailsWithAClearMessage()
    {
        var result = await DeploymentTools.HelmAsync("template", Release, DeploymentTools.Chart, "--set", "frontDoor.coHostSilo=false");

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldContain("needs silo.enabled=true");
    }

    [Fact]
    public async Task IngressSet_RoutesWithoutStickiness_WithWebSocketTimeouts_AndTheChartsSecret()
    {
        var objects = await LoadAsync("ingress");

        var ingress = objects.OfType<V1Ingress>().ShouldHaveSingleItem();
        ingress.Spec.IngressClassName.ShouldBe("nginx");
        ingress.Spec.Tls.ShouldHaveSingleItem().SecretName.ShouldBe("chat-example-com-tls");
        var backend = ingress.Spec.Rules.ShouldHaveSingleItem().Http.Paths.ShouldHaveSingleItem().Backend.Service;
        (backend.Name, backend.Port.Name).ShouldBe(("chaos", "http"));
        ingress.Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"].ShouldBe("3600");
        ingress.Metadata.Annotations.Keys.ShouldNotContain(k => k.Contains("affinity", StringComparison.OrdinalIgnoreCase));

        var secret = objects.OfType<V1Secret>().ShouldHaveSingleItem();
        secret.StringData.Keys.Order().ShouldBe(["connection-string", "jwt-signing-key"]);
        var container = objects.OfType<V1Deployment>().Single().Spec.Template.Spec.Containers.Single();
        container.Image.ShouldBe("registry.example.com/chaos/chaos-api:1.2.3");
        container.Env.Single(e => e.Name == "ConnectionStrings__Chaos").ValueFrom.SecretKeyRef.Name.ShouldBe("chaos");
        container.Env.Single(e => e.Name == "Chaos__Jwt__SigningKey").ValueFrom.SecretKeyRef.Key.ShouldBe("jwt-signing-key");
    }

    [Fact]
    public async Task ExistingSecretSet_ReferencesIt_AndCreatesNoSecret()
    {
        var objects = await LoadAsync("existing-secret");

        objects.OfType<V1Secret>().ShouldBeEmpty();
        var container = objects.OfType<V1Deployment>().Single().Spec.Template.Spec.Containers.Single();
        container.Env.Single(e => e.Name == "ConnectionStrings__Chaos").ValueFrom.SecretKeyRef.Name.ShouldBe("chaos-secrets");
        container.Env.Single(e => e.Name == "Chaos__Jwt__SigningKey").ValueFrom.SecretKeyRef.Optional.ShouldBe(true);
        container.Env.ShouldNotContain(e => e.Name == "CHAOS_DATABASE_PASSWORD");

        var config = objects.OfType<V1ConfigMap>().ShouldHaveSingleItem();
        config.Data["OTEL_EXPORTER_OTLP_ENDPOINT"].ShouldBe("http://otel-collector.monitoring:4317");
        config.Data["Chaos__RateLimits__MessagesLimit"].ShouldBe("100");
        objects.OfType<V1NetworkPolicy>().Single().Spec.Ingress[0].FromProperty.ShouldHaveSingleItem().NamespaceSelector.ShouldNotBeNull();
    }

    [Fact]
    public async Task Schema_RejectsUnknownValues()
    {
        var result = await DeploymentTools.HelmAsync("lint", "--strict", DeploymentTools.Chart, "--set", "frontDoor.replicas=3");

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldContain("'replicas' not allowed");
    }

    private static string[] ValuesArguments(string valueSet) =>
        valueSet == "default" ? [] : ["-f", Path.Combine(DeploymentTools.Chart, "ci", valueSet + "-values.yaml")];

    private static Task<string> RenderAsync(string valueSet) => Rendered.GetOrAdd(valueSet, async set =>
    {
        var result = await DeploymentTools.HelmAsync(["template", Release, DeploymentTools.Chart, "--namespace", "chat", .. ValuesArguments(set)]);
        result.ExitCode.ShouldBe(0, result.Output);
        return result.Stdout;
    });

    private static async Task<List<object>> LoadAsync(string valueSet) =>
        KubernetesYaml.LoadAllFromString(await RenderAsync(valueSet), null, strict: true);
}
