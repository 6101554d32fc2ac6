using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;

namespace Chaos.Hosting;

/// <summary>
/// Wires <see cref="ClusterTlsOptions"/> into a silo or a cluster client: both ends present a certificate and both
/// require one (mutual TLS), and a peer is trusted only when it presents this process's own certificate or one issued
/// by the configured authority — public trust stores and host names play no part (pod addresses change).
/// </summary>
public static class ClusterTls
{
    public static ISiloBuilder UseChaosClusterTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var options = ChaosConfiguration.Read<ClusterTlsOptions>(configuration, ClusterTlsOptions.Section);
        return options.Enabled ? silo.UseTls(tls => Apply(tls, options)) : silo;
    }

    public static IClientBuilder UseChaosClusterTls(this IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        var options = ChaosConfiguration.Read<ClusterTlsOptions>(configuration, ClusterTlsOptions.Section);
        return options.Enabled ? client.UseTls(tls => Apply(tls, options)) : client;
    }

    /// <summary>True when <paramref name="remote"/> is <paramref name="own"/> itself or chains to <paramref name="authority"/>.</summary>
    public static bool IsTrusted(X509Certificate2 remote, X509Certificate2 own, X509Certificate2? authority)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(own);
        if (remote.RawDataMemory.Span.SequenceEqual(own.RawDataMemory.Span))
        {
            return true;
        }

        if (authority is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(remote);
    }

    private static void Apply(TlsOptions tls, ClusterTlsOptions options)
    {
        var own = X509Certificate2.CreateFromPemFile(options.CertificatePath!, options.KeyPath);
        var authority = string.IsNullOrWhiteSpace(options.CaPath) ? null : X509Certificate2.CreateFromPem(File.ReadAllText(options.CaPath));
        tls.LocalCertificate = own;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = (remote, _, _) => IsTrusted(remote, own, authority);
    }
}
