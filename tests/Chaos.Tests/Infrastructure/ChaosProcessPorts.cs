namespace Chaos.Tests.Infrastructure;

/// <summary>
/// The ports of one <see cref="ChaosProcess"/>: HTTP, silo-to-silo and Orleans gateway. A test that restarts a process
/// keeps its ports, so the process comes back as the same silo address.
/// </summary>
public sealed record ChaosProcessPorts(int Http, int Silo, int Gateway)
{
    /// <summary>Three ports free right now.</summary>
    public static ChaosProcessPorts Free() => new(PostgresServer.FreeTcpPort(), PostgresServer.FreeTcpPort(), PostgresServer.FreeTcpPort());
}
