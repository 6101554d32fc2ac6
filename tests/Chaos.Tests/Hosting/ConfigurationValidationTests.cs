using Chaos.Api.Hosting;
using Microsoft.Extensions.Options;

namespace Chaos.Tests.Hosting;

/// <summary>An invalid <c>Chaos:*</c> value stops the front door before it serves, with a message naming the key.</summary>
public sealed class ConfigurationValidationTests
{
    [Theory]
    [InlineData("Chaos:SiloPort", "-1")]
    [InlineData("Chaos:GatewayPort", "70000")]
    [InlineData("Chaos:AdvertisedIp", "not-an-address")]
    [InlineData("Chaos:Jwt:SigningKey", "0123456789")]
    [InlineData("Chaos:Jwt:AccessTokenMinutes", "0")]
    [InlineData("Chaos:FrontDoor:MaxConnections", "-5")]
    [InlineData("Chaos:Streams:Queues", "0")]
    [InlineData("Chaos:Streams:PullPeriodMilliseconds", "0")]
    [InlineData("Chaos:Streams:ChannelEvents", "carrier-pigeon")]
    [InlineData("Chaos:Telemetry:CardinalityLimit", "0")]
    public async Task InvalidValueReadWhileWiring_FailsCreation_NamingTheKey(string key, string value)
    {
        var failure = await Should.ThrowAsync<OptionsValidationException>(() => ChaosApplication.CreateAsync(Args(key, value)));
        failure.Message.ShouldContain(key);
    }

    [Theory]
    [InlineData("Chaos:Messages:BatchSize", "0")]
    [InlineData("Chaos:RateLimits:MessagesLimit", "-3")]
    [InlineData("Chaos:Presence:ActivitySweepSeconds", "0")]
    [InlineData("Chaos:Passwords:Parallelism", "0")]
    public async Task InvalidValueOfAServiceSection_FailsStartUp_NamingTheKey(string key, string value)
    {
        await using var app = await ChaosApplication.CreateAsync(Args(key, value));
        var failure = await Should.ThrowAsync<OptionsValidationException>(() => app.StartAsync());
        failure.Message.ShouldContain(key);
    }

    [Fact]
    public async Task AJwtKeyOfTenBytes_IsRefused_WithTheReason()
    {
        var failure = await Should.ThrowAsync<OptionsValidationException>(() => ChaosApplication.CreateAsync(Args("Chaos:Jwt:SigningKey", "0123456789")));
        failure.Message.ShouldContain("Chaos:Jwt:SigningKey: must be at least 32 bytes for HMAC-SHA256; the configured key has 10.");
    }

    private static string[] Args(string key, string value) => StandaloneArgs.With($"--{key}={value}");
}
