using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Chaos.Hosting;

/// <summary>The <c>Chaos</c> section's own keys: cluster identity, Orleans ports and the hosting mode (docs/operations in README).</summary>
public sealed class ChaosOptions : IValidatableObject
{
    public const string Section = "Chaos";

    [Required(AllowEmptyStrings = false)]
    public string ClusterId { get; set; } = "chaos";

    [Required(AllowEmptyStrings = false)]
    public string ServiceId { get; set; } = "chaos";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos use to reach this one; loopback when unset.</summary>
    public string? AdvertisedIp { get; set; }

    /// <summary>
    /// Where the silo and gateway ports listen; unset, on the advertised address only (never every interface), so the
    /// cluster ports are not reachable from a client network the process is also on (docs/operations.md#cluster-network).
    /// <c>0.0.0.0</c> listens everywhere, for a host whose advertised address is translated (NAT).
    /// </summary>
    public string? ListenIp { get; set; }

    /// <summary>Split mode: the front door joins the cluster as a pure Orleans client instead of co-hosting a silo.</summary>
    public bool FrontDoorOnly { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(AdvertisedIp) && !IPAddress.TryParse(AdvertisedIp, out _))
        {
            yield return new ValidationResult($"'{AdvertisedIp}' is not an IP address.", [nameof(AdvertisedIp)]);
        }

        if (!string.IsNullOrWhiteSpace(ListenIp) && !IPAddress.TryParse(ListenIp, out _))
        {
            yield return new ValidationResult($"'{ListenIp}' is not an IP address.", [nameof(ListenIp)]);
        }

        if (SiloPort == GatewayPort)
        {
            yield return new ValidationResult("The silo and gateway ports must differ.", [nameof(SiloPort), nameof(GatewayPort)]);
        }
    }
}
