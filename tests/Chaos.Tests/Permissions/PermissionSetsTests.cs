using Chaos.Permissions;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Tests.Permissions;

public class PermissionSetsTests
{
    [Theory]
    [InlineData(P.Administrator, 0)]
    [InlineData(P.ViewChannel, 1)]
    [InlineData(P.ManageChannels, 2)]
    [InlineData(P.ManageCommunity, 3)]
    [InlineData(P.ManageRoles, 4)]
    [InlineData(P.CreateInvites, 5)]
    [InlineData(P.KickMembers, 6)]
    [InlineData(P.BanMembers, 7)]
    [InlineData(P.ModerateMembers, 8)]
    [InlineData(P.ViewAuditLog, 9)]
    [InlineData(P.SendMessages, 10)]
    [InlineData(P.ManageMessages, 11)]
    [InlineData(P.ReadMessageHistory, 12)]
    [InlineData(P.MentionEveryone, 13)]
    [InlineData(P.AttachFiles, 14)]
    [InlineData(P.Connect, 15)]
    [InlineData(P.Speak, 16)]
    [InlineData(P.MuteMembers, 17)]
    [InlineData(P.DeafenMembers, 18)]
    [InlineData(P.MoveMembers, 19)]
    [InlineData(P.SendVoiceMessages, 20)]
    [InlineData(P.AddReactions, 21)]
    public void BitPositions_MatchTheApiContract(P permission, int bit)
    {
        ((ulong)permission).ShouldBe(1UL << bit);
        PermissionSets.All.HasFlag(permission).ShouldBeTrue();
    }

    [Fact]
    public void None_IsZero() => ((ulong)P.None).ShouldBe(0UL);

    [Fact]
    public void All_IsExactlyTheTwentyThreeDefinedBits()
    {
        ((ulong)PermissionSets.All).ShouldBe((1UL << 23) - 1);
        Enum.GetValues<P>().Length.ShouldBe(24, "None plus 23 permissions; a new permission must extend All");
    }

    [Fact]
    public void EveryoneDefault_IsTheApiDefaultList()
    {
        PermissionSets.Names(PermissionSets.EveryoneDefault).ShouldBe(
        [
            "ViewChannel", "CreateInvites", "SendMessages", "ReadMessageHistory", "AttachFiles", "Connect", "Speak",
            "SendVoiceMessages", "AddReactions",
        ]);
    }

    [Theory]
    [InlineData(P.None, "0")]
    [InlineData(P.Administrator, "1")]
    [InlineData(P.ViewChannel, "2")]
    [InlineData(P.SendMessages, "1024")]
    [InlineData(P.ViewChannel | P.SendMessages, "1026")]
    [InlineData(P.SendVoiceMessages, "1048576")]
    public void Format_WritesTheUnsignedDecimalValue(P value, string expected)
    {
        PermissionSets.Format(value).ShouldBe(expected);
    }

    [Fact]
    public void Format_All_IsTheMaximumDefinedValue() => PermissionSets.Format(PermissionSets.All).ShouldBe("8388607");

    public static TheoryData<P> RoundTripValues()
    {
        var values = new TheoryData<P> { P.None, PermissionSets.EveryoneDefault, PermissionSets.All };
        foreach (var permission in Enum.GetValues<P>())
        {
            if (permission != P.None)
            {
                values.Add(permission);
            }
        }

        return values;
    }

    [Theory]
    [MemberData(nameof(RoundTripValues))]
    public void FormatThenTryParse_RoundTrips(P value)
    {
        PermissionSets.TryParse(PermissionSets.Format(value), out var parsed).ShouldBeTrue();
        parsed.ShouldBe(value);
    }

    [Theory]
    [InlineData("0", P.None)]
    [InlineData("1026", P.ViewChannel | P.SendMessages)]
    [InlineData("8388607", PermissionSets.All)]
    [InlineData("4194304", P.HandleSupport)]
    [InlineData("0002", P.ViewChannel)]
    public void TryParse_AcceptsDecimalDigitsWithinTheDefinedBits(string text, P expected)
    {
        PermissionSets.TryParse(text, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(expected);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("\t5")]
    [InlineData("5\n")]
    [InlineData("+5")]
    [InlineData("-1")]
    [InlineData("-0")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("1.0")]
    [InlineData("1,024")]
    [InlineData("1_024")]
    [InlineData("abc")]
    [InlineData("\u0661\u0662")] // Arabic-Indic digits
    [InlineData("\uFF15")] // full-width 5
    [InlineData("18446744073709551616")] // ulong.MaxValue + 1
    [InlineData("99999999999999999999999")]
    [InlineData("18446744073709551615")] // ulong.MaxValue: every undefined bit set
    [InlineData("8388608")] // bit 23, the first undefined bit
    [InlineData("16777215")] // All plus bit 23
    [InlineData("9223372036854775808")] // bit 63 alone
    public void TryParse_RejectsAnythingButDefinedBitsInPlainDecimal(string? text)
    {
        PermissionSets.TryParse(text, out var parsed).ShouldBeFalse();
        parsed.ShouldBe(P.None);
    }

    [Fact]
    public void Names_ListsDefinedPermissionsLowestBitFirst()
    {
        PermissionSets.Names(P.SendMessages | P.ManageChannels | P.Administrator)
            .ShouldBe(["Administrator", "ManageChannels", "SendMessages"]);
    }

    [Fact]
    public void Names_OfNone_IsEmpty() => PermissionSets.Names(P.None).ShouldBeEmpty();

    [Fact]
    public void Names_SkipsUndefinedBits()
    {
        PermissionSets.Names(P.ManageChannels | (P)(1UL << 23) | (P)(1UL << 63)).ShouldBe(["ManageChannels"]);
    }

    [Fact]
    public void Names_OfAll_NamesEveryPermissionOnce()
    {
        var names = PermissionSets.Names(PermissionSets.All);

        names.Count.ShouldBe(23);
        names.ShouldBeUnique();
        names[0].ShouldBe("Administrator");
        names[^1].ShouldBe("HandleSupport");
    }

    [Fact]
    public void Names_OfTheMissingBits_GivesTheMissingPermissionProblemField()
    {
        const P granted = PermissionSets.EveryoneDefault;
        const P required = P.ViewChannel | P.ManageChannels;

        PermissionSets.Names(required & ~granted).ShouldBe(["ManageChannels"]);
    }
}
