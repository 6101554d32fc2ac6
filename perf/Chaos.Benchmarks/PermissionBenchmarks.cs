using BenchmarkDotNet.Attributes;
using Chaos.Permissions;

namespace Chaos.Benchmarks;

/// <summary>Permission evaluation as the channel grain runs it per send: 20 roles, a member holding 5, 10 overwrites on the channel.</summary>
[MemoryDiagnoser]
public class PermissionBenchmarks
{
    private const long CommunityId = 1_000;
    private MemberPermissionContext member = null!;
    private PermissionOverwrite[] overwrites = null!;

    [GlobalSetup]
    public void Setup()
    {
        var roles = Enumerable.Range(0, 20)
            .Select(i => new RoleInfo(i == 0 ? CommunityId : CommunityId + i, i, i == 0 ? PermissionSets.EveryoneDefault : (Permissions.Permissions)(1UL << (i % 21))))
            .ToList();
        member = new MemberPermissionContext(42, 7, CommunityId, roles, [CommunityId + 3, CommunityId + 5, CommunityId + 8, CommunityId + 13, CommunityId + 17]);
        overwrites =
        [
            new PermissionOverwrite(CommunityId, OverwriteType.Role, Permissions.Permissions.None, Permissions.Permissions.SendMessages),
            .. Enumerable.Range(1, 8).Select(i => new PermissionOverwrite(CommunityId + i, OverwriteType.Role, Permissions.Permissions.SendMessages, Permissions.Permissions.AttachFiles)),
            new PermissionOverwrite(42, OverwriteType.Member, Permissions.Permissions.MentionEveryone, Permissions.Permissions.None),
        ];
    }

    [Benchmark]
    public Permissions.Permissions Base() => PermissionCalculator.ComputeBase(member);

    [Benchmark]
    public Permissions.Permissions Channel() => PermissionCalculator.ComputeChannel(member, overwrites);
}
