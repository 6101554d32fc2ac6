using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Web;

/// <summary>
/// The tests that drive headless Chromium: each starts a front door and two or three browsers (with fake microphones
/// and WebCodecs for voice). They run one at a time, beside the rest of the suite: up to four of them at once on a
/// 2-core machine starved each other's timed steps (a voice call decoding in real time, 45 s waits for a message).
/// </summary>
[CollectionDefinition(Name)]
[StartsEarly(9)]
public sealed class BrowserTests
{
    public const string Name = "Browser tests";
}
