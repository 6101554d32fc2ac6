using Chaos.Communities;

namespace Chaos.Tests.Communities;

/// <summary>The grains' shared in-flight lookups: one per key while out, a fresh one after it ends or is forgotten.</summary>
public sealed class SharedLookupsTests
{
    [Fact]
    public async Task CallersWhileALookupIsOut_ShareIt_AndTheNextCallerAfterItStartsAnother()
    {
        var lookups = new SharedLookups<long, int>();
        var started = 0;
        var answer = new TaskCompletionSource<int>();
        Task<int> Load()
        {
            started++;
            return answer.Task;
        }

        var first = lookups.GetOrStart(1, Load);
        var second = lookups.GetOrStart(1, Load);
        started.ShouldBe(1);
        answer.SetResult(7);
        (await first, await second).ShouldBe((7, 7));

        (await lookups.GetOrStart(1, () => Task.FromResult(8))).ShouldBe(8, "a finished lookup is not shared");
    }

    [Fact]
    public async Task AForgottenLookup_IsNotShared_AndItsEndDoesNotDropTheNewerOne()
    {
        var lookups = new SharedLookups<long, int>();
        var old = new TaskCompletionSource<int>();
        var newer = new TaskCompletionSource<int>();
        var stale = lookups.GetOrStart(1, () => old.Task);
        lookups.Forget(1);
        var fresh = lookups.GetOrStart(1, () => newer.Task);

        old.SetResult(1);
        await stale;
        lookups.GetOrStart(1, () => Task.FromResult(99)).ShouldBeSameAs(fresh, "the newer lookup is still out and shared");
        newer.SetResult(2);
        (await fresh).ShouldBe(2);
    }
}
