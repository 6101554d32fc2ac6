using System.Runtime.CompilerServices;
using Orleans.Runtime;

namespace Chaos.Api.Gateway;

/// <summary>
/// The cluster membership as status changes of the silos a front door has already seen: what the front door's repairs
/// after a silo left listen to (<see cref="GatewayStreamRepair"/>, the presence restore). A silo seen for the first time
/// is remembered, never reported, so old entries of the membership table trigger nothing at start-up.
/// </summary>
public static class SiloStatusChanges
{
    /// <summary>Per membership update, every known silo whose status changed: its address, the status before and now.</summary>
    public static async IAsyncEnumerable<List<(SiloAddress Silo, SiloStatus Before, SiloStatus Now)>> ReadAllAsync(
        IClusterMembershipService membership,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var known = new Dictionary<SiloAddress, SiloStatus>();
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
        {
            List<(SiloAddress, SiloStatus, SiloStatus)> changes = [];
            foreach (var (address, member) in snapshot.Members)
            {
                if (known.TryGetValue(address, out var before) && before != member.Status)
                {
                    changes.Add((address, before, member.Status));
                }

                known[address] = member.Status;
            }

            yield return changes;
        }
    }
}
