using Chaos.Accounts;

namespace Chaos.Tests.Edge;

public sealed class SpoofingRulesTests
{
    [Theory]
    [InlineData("admin\u202Egnp.exe")]
    [InlineData("\u2067mod\u2069")]
    [InlineData("ad\u200Bmin")]
    [InlineData("ad\u200Cmin")]
    [InlineData("ad\u200Dmin")]
    [InlineData("\u2060admin")]
    [InlineData("admin\uFEFF")]
    [InlineData("\u3164")]
    [InlineData("\u2800\u2800")]
    [InlineData("ad\u00ADmin")]
    [InlineData("x\u200F")]
    public void LookAlikeTricks_AreRefused(string text) => SpoofingRules.Check(text).ShouldNotBeNull();

    [Theory]
    [InlineData("Ada Lovelace")]
    [InlineData("José Ñúñez")]
    [InlineData("محمد")]
    [InlineData("山田 太郎")]
    [InlineData("on air 🎙️")]
    [InlineData("dev 👩‍💻 and family 👨‍👩‍👧")]
    [InlineData("thumbs 👍🏽")]
    public void OrdinaryNames_InAnyScript_AndEmojiSequences_Pass(string text) => SpoofingRules.Check(text).ShouldBeNull();

    [Fact]
    public void DisplayNamesAndStatusMessages_BothApplyTheRule()
    {
        AccountRules.CheckDisplayName("admin\u202E").ShouldNotBeNull();
        AccountRules.CheckStatusMessage("brb\u200B").ShouldNotBeNull();
        AccountRules.CheckDisplayName("Ada").ShouldBeNull();
    }
}
