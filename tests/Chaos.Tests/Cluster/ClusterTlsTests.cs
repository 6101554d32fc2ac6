using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Chaos.Accounts;
using Chaos.Hosting;
using Chaos.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Chaos.Tests.Cluster;

/// <summary>
/// <c>Chaos:Cluster:Tls</c>: two silos on PostgreSQL form a cluster over mutual TLS with a self-signed certificate and
/// serve grain calls across it; a client presenting another certificate, or none, is not let in.
/// </summary>
[StartsEarly(3)]
public sealed class ClusterTlsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("chaos-tls-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task TwoSilos_FormAClusterOverTls_AndAStrangerIsRefused()
    {
        var (certificate, key) = WritePem("cluster", SelfSigned("CN=chaos-cluster"));
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var tls = new Dictionary<string, string>
        {
            ["Chaos:Cluster:Tls:CertificatePath"] = certificate,
            ["Chaos:Cluster:Tls:KeyPath"] = key,
        };
        var cluster = await ChaosTestCluster.StartAsync(connectionString, properties: tls);
        try
        {
            var management = cluster.Client.GetGrain<IManagementGrain>(0);
            (await management.GetHosts(onlyActive: true)).Count.ShouldBe(2);

            // Grain calls from the (TLS) client reach grains on both silos.
            for (var i = 0; i < 8; i++)
            {
                var userId = Random.Shared.NextInt64(1, long.MaxValue);
                var registered = await cluster.Client.GetGrain<IUsernameGrain>(UsernameKey.For(TestUser.UniqueName("tls"))).RegisterAsync(userId, "Over TLS", "password-123");
                registered.User.Id.ShouldBe(userId);
            }

            var (otherCertificate, otherKey) = WritePem("stranger", SelfSigned("CN=chaos-cluster"));
            await ShouldBeRefusedAsync(cluster.Options.ClusterId, cluster.Options.ServiceId, connectionString, new Dictionary<string, string?>
            {
                ["Chaos:Cluster:Tls:CertificatePath"] = otherCertificate,
                ["Chaos:Cluster:Tls:KeyPath"] = otherKey,
            });
            await ShouldBeRefusedAsync(cluster.Options.ClusterId, cluster.Options.ServiceId, connectionString, []);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public void APeerIsTrusted_WhenItPresentsOurCertificate_OrOneOurAuthorityIssued()
    {
        using var authority = SelfSigned("CN=chaos-ca", isAuthority: true);
        using var issued = Issue(authority, "CN=chaos-silo-1");
        using var own = Issue(authority, "CN=chaos-silo-2");
        using var stranger = SelfSigned("CN=chaos-silo-1");

        ClusterTls.IsTrusted(own, own, authority: null).ShouldBeTrue();
        ClusterTls.IsTrusted(issued, own, authority: null).ShouldBeFalse("without an authority only our own certificate is trusted");
        ClusterTls.IsTrusted(issued, own, authority).ShouldBeTrue();
        ClusterTls.IsTrusted(stranger, own, authority).ShouldBeFalse();
    }

    [Fact]
    public void HalfAConfiguration_StopsStartUp()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chaos:Cluster:Tls:CertificatePath"] = Path.Combine(directory, "missing.crt"),
        }).Build();

        var error = Should.Throw<Microsoft.Extensions.Options.OptionsValidationException>(() => ChaosConfiguration.Read<ClusterTlsOptions>(configuration, ClusterTlsOptions.Section));
        error.Message.ShouldContain("KeyPath");
    }

    /// <summary>An Orleans client of the cluster with the given TLS settings; its start must fail (the gateway refuses the handshake).</summary>
    private static async Task ShouldBeRefusedAsync(string clusterId, string serviceId, string connectionString, Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var host = new HostBuilder()
            .UseOrleansClient(client => client
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId))
                .UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", connectionString))
                .UseChaosClusterTls(configuration))
            .Build();
        await Should.ThrowAsync<Exception>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(60)));
    }

    private (string Certificate, string Key) WritePem(string name, X509Certificate2 certificate)
    {
        using (certificate)
        {
            var certificatePath = Path.Combine(directory, name + ".crt");
            var keyPath = Path.Combine(directory, name + ".key");
            File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
            File.WriteAllText(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
            return (certificatePath, keyPath);
        }
    }

    private static X509Certificate2 SelfSigned(string subject, bool isAuthority = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isAuthority, false, 0, isAuthority));
        if (isAuthority)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, critical: true));
        }

        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }
}
