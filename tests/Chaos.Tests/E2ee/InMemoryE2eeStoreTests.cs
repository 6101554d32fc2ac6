using Chaos.E2ee;

namespace Chaos.Tests.E2ee;

/// <summary>The standalone store keeps the PostgreSQL store's promise: racing claims never share a one-time key package.</summary>
public sealed class InMemoryE2eeStoreTests
{
    [Fact]
    public async Task RacingClaims_TakeDistinctPackages_ThenTheLastResortForEveryone()
    {
        var store = new InMemoryE2eeStore();
        var device = new Device(1, 10, "laptop", [1], [2], DateTimeOffset.UtcNow);
        await store.AddDeviceAsync(device, CancellationToken.None);
        var packages = Enumerable.Range(0, 50).Select(i => (Id: (long)i, KeyPackage: BitConverter.GetBytes(i))).ToList();
        await store.AddKeyPackagesAsync(1, packages, [0xFF], CancellationToken.None);

        var claims = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => store.ClaimKeyPackageAsync(1, CancellationToken.None))));
        var oneTime = claims.Where(c => c is not [0xFF]).Select(c => BitConverter.ToInt32(c!)).ToList();
        oneTime.Order().ShouldBe(Enumerable.Range(0, 50));
        claims.Count(c => c is [0xFF]).ShouldBe(14);
        (await store.CountKeyPackagesAsync(1, CancellationToken.None)).ShouldBe(new KeyPackageCount(1, 0, true));

        (await store.RemoveDeviceAsync(99, 1, CancellationToken.None)).ShouldBeFalse();
        (await store.RemoveDeviceAsync(10, 1, CancellationToken.None)).ShouldBeTrue();
        (await store.ClaimKeyPackageAsync(1, CancellationToken.None)).ShouldBeNull();
    }
}
