using Chaos.Permissions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Tests.Permissions;

/// <summary>The calculator's inputs travel between grains, so they must survive Orleans serialization intact.</summary>
public class PermissionWireTypesTests
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    [Fact]
    public void MemberPermissionContext_RoundTripsThroughTheOrleansSerializer()
    {
        var context = new MemberPermissionContext(
            UserId: 2,
            OwnerId: 1,
            CommunityId: 100,
            Roles: [new RoleInfo(100, 0, PermissionSets.EveryoneDefault), new RoleInfo(201, 3, P.Administrator | (P)(1UL << 20))],
            MemberRoleIds: [201, 299]);

        var copy = Serializer.Deserialize<MemberPermissionContext>(Serializer.SerializeToArray(context));

        copy.ShouldNotBeNull();
        copy.ShouldNotBeSameAs(context);
        (copy.UserId, copy.OwnerId, copy.CommunityId).ShouldBe((2L, 1L, 100L));
        copy.Roles.ShouldBe(context.Roles);
        copy.MemberRoleIds.ShouldBe([201L, 299L]);
    }

    [Fact]
    public void PermissionOverwrite_RoundTripsThroughTheOrleansSerializer()
    {
        var overwrite = new PermissionOverwrite(42, OverwriteType.Member, P.SendMessages, P.ViewChannel | P.SendVoiceMessages);

        Serializer.Deserialize<PermissionOverwrite>(Serializer.SerializeToArray(overwrite)).ShouldBe(overwrite);
    }
}
