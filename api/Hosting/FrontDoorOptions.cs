using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Chaos.Api.Hosting;

/// <summary><c>Chaos:FrontDoor</c>: limits of the front door's sockets (<see cref="ConnectionLimit"/>) and the proxies it trusts.</summary>
public sealed class FrontDoorOptions : IValidatableObject
{
    public const string Section = "Chaos:FrontDoor";

    /// <summary>Client connections accepted at once; unset, the open-file limit less a reserve; 0, no limit.</summary>
    [Range(0, long.MaxValue)]
    public long? MaxConnections { get; set; }

    /// <summary>Proxies (IP addresses) whose <c>X-Forwarded-For</c> is believed (<see cref="ClientAddresses"/>); none by default.</summary>
    public string[] KnownProxies { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies)
        {
            if (!IPAddress.TryParse(proxy, out _))
            {
                yield return new ValidationResult($"holds '{proxy}', which is not an IP address.", [nameof(KnownProxies)]);
            }
        }
    }
}
