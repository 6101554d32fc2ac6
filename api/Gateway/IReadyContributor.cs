namespace Chaos.Api.Gateway;

/// <summary>Adds one feature's part to <c>Ready</c>; every registered contributor runs on each connect.</summary>
public interface IReadyContributor
{
    Task ContributeAsync(ReadyBuilder ready, CancellationToken cancellationToken);
}
