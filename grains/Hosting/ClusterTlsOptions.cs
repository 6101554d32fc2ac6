using System.ComponentModel.DataAnnotations;

namespace Chaos.Hosting;

/// <summary>
/// <c>Chaos:Cluster:Tls</c>: mutual TLS on the Orleans silo-to-silo and client-gateway connections
/// (docs/operations.md#cluster-network). Off unless a certificate is named; every silo and front door of the cluster
/// then needs it on, with a certificate the others trust.
/// </summary>
public sealed class ClusterTlsOptions : IValidatableObject
{
    public const string Section = "Chaos:Cluster:Tls";

    /// <summary>PEM certificate this process presents (a Kubernetes TLS Secret's <c>tls.crt</c>).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="CertificatePath"/> (<c>tls.key</c>).</summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// PEM certificate of the authority whose certificates are trusted (<c>ca.crt</c>); unset, only a peer presenting
    /// exactly this process's own certificate is trusted (one shared cluster certificate).
    /// </summary>
    public string? CaPath { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled != !string.IsNullOrWhiteSpace(KeyPath))
        {
            yield return new ValidationResult("CertificatePath and KeyPath are set together.", [nameof(CertificatePath), nameof(KeyPath)]);
        }

        if (!Enabled && !string.IsNullOrWhiteSpace(CaPath))
        {
            yield return new ValidationResult("CaPath needs CertificatePath and KeyPath.", [nameof(CaPath)]);
        }

        foreach (var (name, path) in new[] { (nameof(CertificatePath), CertificatePath), (nameof(KeyPath), KeyPath), (nameof(CaPath), CaPath) })
        {
            if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
            {
                yield return new ValidationResult($"'{path}' does not exist.", [name]);
            }
        }
    }
}
