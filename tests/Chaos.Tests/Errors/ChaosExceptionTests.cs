using Chaos.Errors;

namespace Chaos.Tests.Errors;

public sealed class ChaosExceptionTests
{
    [Fact]
    public void ThrowIfInvalid_WithAnError_ThrowsValidationFailedNamingTheField()
    {
        var exception = Should.Throw<ChaosException>(() => ChaosException.ThrowIfInvalid("name", "Too long."));

        exception.Code.ShouldBe(ErrorCodes.ValidationFailed);
        exception.Message.ShouldBe("Too long.");
        exception.Errors.ShouldNotBeNull()["name"].ShouldBe(["Too long."]);
    }

    [Fact]
    public void ThrowIfInvalid_WithoutAnError_Returns()
    {
        Should.NotThrow(() => ChaosException.ThrowIfInvalid("name", null));
    }
}
